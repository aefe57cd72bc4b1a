"""Files that are not a usable catalog, given to ``--batch`` and ``--resume``: exit 2, one line
naming the file, and the file left byte-for-byte as it was (never migrated, never switched
to WAL, never "repaired")."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from tests.bad_inputs.checks import CliRunner, assert_refused, file_digest
from tests.batch.cli_helpers import write_toml


def _foreign_sqlite(folder: Path, existing: Path) -> Path:
    path = folder / "notes.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('buy milk')")
    return path


def _text_file(folder: Path, existing: Path) -> Path:
    path = folder / "catalog.sqlite"
    path.write_text("these are my notes, not a database\n", encoding="utf-8")
    return path


def _folder(folder: Path, existing: Path) -> Path:
    path = folder / "catalog.sqlite"
    path.mkdir()
    (path / "keep.txt").write_text("mine\n", encoding="utf-8")
    return path


def _newer_schema(folder: Path, existing: Path) -> Path:
    path = Path(shutil.copy(existing, folder / "future.sqlite"))
    version = Catalog(existing).schema_version()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {version + 10}")
    db.close()
    return path


CASES: dict[str, tuple[Callable[[Path, Path], Path], tuple[str, ...]]] = {
    "foreign-sqlite": (_foreign_sqlite, ("notes.sqlite", "not a ModelDesk catalog")),
    "text-file": (_text_file, ("catalog.sqlite", "not a ModelDesk catalog",
                               "not an SQLite database")),
    "folder": (_folder, ("catalog.sqlite", "is a folder")),
    "newer-schema": (_newer_schema, ("future.sqlite", "newer ModelDesk")),
}
RESUME_FOLDER = ("catalog.sqlite", "no catalog at")  # --resume checks for a file first


def _snapshot(path: Path) -> dict[str, str | None]:
    """Bytes of the file (or of everything in the folder) and which side files exist."""
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    side = sorted(p.name for p in path.parent.iterdir() if p.name.endswith(("-wal", "-shm")))
    return {**{str(p): file_digest(p) for p in files}, "side files": ",".join(side)}


@pytest.mark.parametrize("mode", ["--batch", "--resume"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_file_that_is_not_a_usable_catalog_is_refused_untouched(
        case: str, mode: str, cli: CliRunner, tmp_path: Path, table: Path,
        existing_catalog: Path) -> None:
    build, fragments = CASES[case]
    folder = tmp_path / "given"
    folder.mkdir()
    catalog = build(folder, existing_catalog)
    experiments = write_toml(table.parent / "good.toml", '[[experiment]]\nname = "fine"\n'
                             'dataset = "tiny.csv"\nmodel = "bag_of_embeddings"\nepochs = 1\n')
    before = _snapshot(catalog)

    target = experiments if mode == "--batch" else "1"
    result = cli(mode, target, "--catalog", catalog)

    if mode == "--resume" and case == "folder":
        fragments = RESUME_FOLDER
    assert_refused(result, *fragments)
    assert _snapshot(catalog) == before
    assert not list(folder.glob("*_runs")), "a run folder was created"
