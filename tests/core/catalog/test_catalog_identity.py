"""A file that is not a ModelDesk catalog is refused before a single byte of it changes."""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image

from app.core.catalog import Catalog, latest_version
from app.core.catalog._schema import APPLICATION_ID
from app.core.errors import CatalogError


def _other_apps_tables(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE songs (title TEXT, artist TEXT)")
        conn.execute("INSERT INTO songs VALUES ('Blue', 'Joni')")
        conn.commit()


def _other_apps_tables_in_wal_mode(path: Path) -> None:
    _other_apps_tables(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"


def _other_application_id(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA application_id = 0x47504B47")  # GeoPackage
        conn.execute("PRAGMA user_version = 3")
        conn.execute("VACUUM")


def _user_version_only(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 2")
        conn.execute("VACUUM")


def _plain_text(path: Path) -> None:
    path.write_text("these are my notes, not a database\n" * 50, encoding="utf-8")


def _png(path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


FOREIGN: dict[str, tuple[Callable[[Path], None], str]] = {
    "someone else's tables": (_other_apps_tables, r"not a ModelDesk catalog \(it holds the "
                                                  r"tables songs\)"),
    "someone else's WAL file": (_other_apps_tables_in_wal_mode, "holds the tables songs"),
    "another application_id": (_other_application_id, r"another program \(application_id "
                                                      r"0x47504b47\)"),
    "a user_version but no id": (_user_version_only, "its user_version is 2"),
    "a plain text file": (_plain_text, r"not an SQLite database"),
    "a PNG": (_png, r"not an SQLite database"),
}  # fmt: skip


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
@pytest.mark.parametrize("kind", list(FOREIGN))
def test_a_foreign_file_is_refused_and_left_exactly_as_it_was(
    tmp_path: Path, kind: str, read_only: bool
):
    make, message = FOREIGN[kind]
    folder = tmp_path / "user files"
    folder.mkdir()
    path = folder / "catalog.sqlite"
    make(path)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = _snapshot(folder)
    assert list(before) == ["catalog.sqlite"]  # no journal left by making it

    with pytest.raises(CatalogError, match=message) as info:
        Catalog(path, read_only=read_only)

    text = str(info.value)
    assert str(path) in text
    assert "choose another file name for the catalog" in text
    assert _snapshot(folder) == before  # same bytes, same mtime, no -wal/-shm/-journal
    assert not (folder / "catalog_runs").exists()


def test_a_zero_byte_file_becomes_a_new_catalog(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    path.touch()
    catalog = Catalog(path)
    assert catalog.schema_version() == latest_version()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_blank_sqlite_file_becomes_a_new_catalog(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("VACUUM")  # writes a header: an SQLite file with nothing in it
    assert path.stat().st_size > 0
    assert Catalog(path).schema_version() == latest_version()


def test_a_file_too_short_for_a_header_is_refused(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    path.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(CatalogError, match="not an SQLite database"):
        Catalog(path)
    assert path.read_bytes() == b"SQLite format 3\x00"
