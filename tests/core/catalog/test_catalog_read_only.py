"""Read-only catalogs: never create, switch, migrate or write; older files read from a copy."""

from __future__ import annotations

import gc
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from app.core.catalog import Catalog, latest_version
from app.core.errors import CatalogError

RunFactory = Callable[..., int]
V1_ASSET = Path(__file__).parent / "assets" / "catalog_v1.sqlite"


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _copies() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("modeldesk-catalog-*"))


@pytest.fixture
def closed_catalog(catalog: Catalog, make_run: RunFactory) -> Path:
    """A current-version catalog with two runs, closed (its log merged, no -wal left)."""
    make_run(name="first")
    second = make_run(name="second")
    catalog.add_tag(second, "keep")
    catalog.run_dir(second)
    catalog.close()
    return catalog.path


def test_read_only_reads_a_current_file_and_changes_nothing(closed_catalog: Path):
    folder = closed_catalog.parent
    before = _files(folder)
    catalog = Catalog(closed_catalog, read_only=True)
    assert catalog.read_only and "read_only=True" in repr(catalog)
    assert catalog.schema_version() == latest_version()
    assert [run.name for run in catalog.list_runs(sort="id")] == ["first", "second"]
    assert catalog.list_tags() == ["keep"]
    assert catalog.count_runs(tag="keep") == 1
    first = catalog.list_runs(sort="id")[0]
    assert catalog.run_dir(first.id) == first.run_dir and not first.run_dir.exists()
    assert catalog.get_run_by_uid(first.uid).id == first.id
    catalog.close()
    assert _files(folder) == before  # no mkdir, no -wal/-shm, no journal-mode switch


def test_every_write_is_refused(closed_catalog: Path, tmp_path: Path):
    catalog = Catalog.open_read_only(closed_catalog)
    run = catalog.list_runs(sort="id")[0]
    artifact = tmp_path / "weights.bin"
    artifact.write_bytes(b"w")
    writes: dict[str, Callable[[], object]] = {
        "register_dataset": lambda: catalog.register_dataset(tmp_path, "image", "fp", [], {}, 0),
        "create_run": lambda: catalog.create_run(
            name="x", model="mlp", dataset_id=run.dataset_id, config={}, seed=None,
            total_epochs=1, environment={}),  # fmt: skip
        "mark_running": lambda: catalog.mark_running(run.id, device="cpu", pid=1, hostname="h"),
        "log_metrics": lambda: catalog.log_metrics(run.id, [("loss", 1, 1, 0.5)]),
        "update_progress": lambda: catalog.update_progress(run.id, epochs_done=1),
        "finish_run": lambda: catalog.finish_run(run.id, status="completed"),
        "set_status": lambda: catalog.set_status(run.id, "failed"),
        "add_artifact": lambda: catalog.add_artifact(run.id, "weights", artifact, "bin"),
        "add_tag": lambda: catalog.add_tag(run.id, "x"),
        "remove_tag": lambda: catalog.remove_tag(run.id, "x"),
        "set_tags": lambda: catalog.set_tags(run.id, ["x"]),
        "set_notes": lambda: catalog.set_notes(run.id, "x"),
        "delete_run": lambda: catalog.delete_run(run.id),
        "trash_runs": lambda: catalog.trash_runs([run.id]),
        "restore_runs": lambda: catalog.restore_runs([run.id]),
        "empty_trash": catalog.empty_trash,
        "create_study": lambda: catalog.create_study(name="s", kind="grid", space={},
                                                     sampler="grid"),  # fmt: skip
        "ensure_study": lambda: catalog.ensure_study(name="s", kind="grid", space={},
                                                     sampler="grid", uid="a" * 32),  # fmt: skip
        "finish_study": lambda: catalog.finish_study(1, "completed"),
        "update_study_best": lambda: catalog.update_study_best(1),
    }
    before = _files(closed_catalog.parent)
    for name, write in writes.items():
        with pytest.raises(CatalogError, match="was opened read-only") as info:
            write()
        assert str(closed_catalog) in str(info.value), name
    assert _files(closed_catalog.parent) == before


def test_a_missing_file_is_an_error_and_nothing_is_created(tmp_path: Path):
    path = tmp_path / "nowhere" / "catalog.sqlite"
    with pytest.raises(CatalogError, match=f"there is no catalog file {path}"):
        Catalog(path, read_only=True)
    assert not path.parent.exists()


def test_a_newer_file_is_refused(closed_catalog: Path):
    with closing(sqlite3.connect(closed_catalog)) as conn:
        conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    with pytest.raises(CatalogError, match="newer ModelDesk"):
        Catalog(closed_catalog, read_only=True)


def test_a_reader_sees_what_a_writer_commits_later(catalog: Catalog, make_run: RunFactory):
    make_run(name="before")
    reader = Catalog(catalog.path, read_only=True)  # the writer holds the file open (-wal)
    make_run(name="after")
    assert [run.name for run in reader.list_runs(sort="id")] == ["before", "after"]


def test_an_older_file_is_read_from_a_migrated_private_copy(tmp_path: Path):
    folder = tmp_path / "theirs"
    folder.mkdir()
    shutil.copyfile(V1_ASSET, folder / "catalog_v1.sqlite")
    shutil.copytree(V1_ASSET.parent / "catalog_v1_runs", folder / "catalog_v1_runs")
    before, copies_before = _files(folder), _copies()

    catalog = Catalog(folder / "catalog_v1.sqlite", read_only=True)

    (copy,) = _copies() - copies_before
    assert catalog.schema_version() == latest_version()
    assert catalog.path == folder / "catalog_v1.sqlite"
    assert catalog.runs_root == folder / "catalog_v1_runs"  # the original's folder, not /tmp
    runs = catalog.list_runs(sort="id")
    assert [run.name for run in runs] == ["boe on topics", "mlp on shapes", "fine-tune"]
    assert all(len(run.uid) == 32 for run in runs)
    detail = catalog.get_run(runs[0].id)
    assert all(artifact.path.is_file() for artifact in detail.artifacts)
    with pytest.raises(CatalogError, match="opened read-only"):
        catalog.set_notes(runs[0].id, "x")
    assert _files(folder) == before

    catalog.close()
    assert not copy.exists()
    with pytest.raises(CatalogError, match="was closed"):
        catalog.list_runs()


def test_the_private_copy_goes_with_garbage_collection(tmp_path: Path):
    path = tmp_path / "catalog_v1.sqlite"
    shutil.copyfile(V1_ASSET, path)
    copies_before = _copies()
    catalog = Catalog(path, read_only=True)
    (copy,) = _copies() - copies_before
    assert catalog.count_runs() == 3
    del catalog
    gc.collect()
    assert not copy.exists()
    assert _copies() == copies_before


def test_the_journal_mode_is_never_switched(closed_catalog: Path):
    with closing(sqlite3.connect(closed_catalog)) as conn:
        assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    before = _files(closed_catalog.parent)
    catalog = Catalog(closed_catalog, read_only=True)
    assert catalog.count_runs() == 2
    catalog.close()
    assert _files(closed_catalog.parent) == before  # header bytes 18-19 still say "rollback"


def test_an_empty_file_reads_as_an_empty_catalog(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    path.touch()
    catalog = Catalog(path, read_only=True)
    assert (catalog.list_runs(), catalog.list_studies()) == ([], [])
    catalog.close()
    assert path.read_bytes() == b"" and [p.name for p in tmp_path.iterdir()] == [path.name]
