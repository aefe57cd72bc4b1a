"""Opening catalog files: location, creation, WAL, schema version and migrations, bad files."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import platformdirs
import pytest
from sqlite_utils import Database

from app.core.catalog import (
    ENV_VAR,
    Catalog,
    _schema,
    default_catalog_path,
    latest_version,
    resolve_catalog_path,
)
from app.core.errors import CatalogError


def _pragma(path: Path, name: str) -> object:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_default_path_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "mine.sqlite"))
    assert default_catalog_path() == tmp_path / "mine.sqlite"


def test_default_path_falls_back_to_the_user_data_folder(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    expected = platformdirs.user_data_path("ModelDesk", appauthor=False) / "catalog.sqlite"
    assert default_catalog_path() == expected


def test_cli_value_beats_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.sqlite"))
    assert resolve_catalog_path(str(tmp_path / "cli.sqlite")) == tmp_path / "cli.sqlite"
    assert resolve_catalog_path(None) == tmp_path / "env.sqlite"


def test_opening_creates_folders_and_a_file_at_the_latest_version(tmp_path: Path):
    path = tmp_path / "deep" / "er" / "catalog.sqlite"
    catalog = Catalog(path)
    assert path.is_file()
    assert catalog.path == path
    assert catalog.schema_version() == latest_version() == len(_schema.MIGRATIONS)
    assert _pragma(path, "user_version") == latest_version()
    assert _pragma(path, "application_id") == _schema.APPLICATION_ID


def test_file_is_in_wal_mode_with_foreign_keys_on(tmp_path: Path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    assert _pragma(catalog.path, "journal_mode") == "wal"
    with catalog._read() as db:
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_schema_has_the_tables_and_indexes(catalog: Catalog):
    with catalog._read() as db:
        tables = set(db.table_names())
        indexes = {
            row["name"] for row in db.query("SELECT name FROM sqlite_master WHERE type='index'")
        }
    assert {"datasets", "runs", "metrics", "artifacts", "tags", "studies"} <= tables
    for column in ("status", "model", "dataset", "created", "test_accuracy", "best_val", "uid",
                   "study"):  # fmt: skip
        assert f"runs_by_{column}" in indexes
    assert {"datasets_by_uid", "studies_by_best_run"} <= indexes


def test_reopening_an_existing_catalog_keeps_its_data(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    first = Catalog(path)
    dataset = first.register_dataset(tmp_path, "text", "fp", ["a"], {"a": 1}, 1)
    assert Catalog(path).list_datasets()[0].id == dataset


def test_newer_schema_version_asks_to_upgrade(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    Catalog(path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    with pytest.raises(CatalogError, match="newer ModelDesk.*Upgrade ModelDesk"):
        Catalog(path)


def test_garbage_file_is_refused_with_its_path(tmp_path: Path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is not a database, just some text that is long enough " * 40)
    with pytest.raises(CatalogError, match="not a ModelDesk catalog") as info:
        Catalog(path)
    assert str(path) in str(info.value)
    assert path.read_bytes().startswith(b"this is not a database")


def test_someone_elses_sqlite_file_is_refused(tmp_path: Path):
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    with pytest.raises(CatalogError, match="not a ModelDesk catalog"):
        Catalog(path)


def test_a_folder_is_not_a_catalog(tmp_path: Path):
    with pytest.raises(CatalogError, match="is a folder"):
        Catalog(tmp_path)


def test_simulated_v2_migration_upgrades_an_existing_file_and_keeps_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "catalog.sqlite"
    old = Catalog(path)
    dataset_id = old.register_dataset(tmp_path, "image", "fp", ["a", "b"], {"a": 1, "b": 1}, 2)
    run_id = old.create_run(
        name="before", model="mlp", dataset_id=dataset_id, config={"lr": 0.1},
        seed=1, total_epochs=2, environment={},
    )  # fmt: skip
    old.log_metrics(run_id, [("val_loss", 1, 1, 0.5)])
    v1 = latest_version()

    calls: list[int] = []

    def v2_add_favourite(db: Database) -> None:
        calls.append(1)
        db.execute("ALTER TABLE runs ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0")
        db.execute("UPDATE runs SET favourite = 1 WHERE name = 'before'")

    monkeypatch.setattr(_schema, "MIGRATIONS", [*_schema.MIGRATIONS, v2_add_favourite])
    upgraded = Catalog(path)
    Catalog(path)  # a second open finds nothing to do

    assert calls == [1]
    assert upgraded.schema_version() == v1 + 1
    assert upgraded.get_run(run_id).run.name == "before"
    assert upgraded.history([run_id])[run_id]["val_loss"][0].value == 0.5
    with upgraded._read() as db:
        assert db.execute("SELECT favourite FROM runs").fetchone()[0] == 1

    # The upgraded file is too new for the code without the migration.
    monkeypatch.undo()
    with pytest.raises(CatalogError, match="newer ModelDesk"):
        Catalog(path)


def test_a_failing_migration_leaves_the_file_at_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "catalog.sqlite"
    Catalog(path)

    def broken(db: Database) -> None:
        db.execute("ALTER TABLE runs ADD COLUMN half_done INTEGER")
        raise RuntimeError("power cut")

    monkeypatch.setattr(_schema, "MIGRATIONS", [*_schema.MIGRATIONS, broken])
    with pytest.raises(RuntimeError, match="power cut"):
        Catalog(path)
    assert _pragma(path, "user_version") == latest_version() - 1
    with closing(sqlite3.connect(path)) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(runs)")]
    assert "half_done" not in columns


def test_close_merges_the_log_and_the_catalog_keeps_working(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    with Catalog(path) as catalog:
        catalog.register_dataset(tmp_path, "image", "fp", ["a"], {"a": 1}, 1)
        assert Path(f"{path}-wal").exists()  # the anchor keeps the write-ahead log open
    assert not Path(f"{path}-wal").exists()
    assert len(catalog.list_datasets()) == 1  # each operation opens its own connection
    catalog.close()  # closing twice is harmless


def test_records_can_be_read_by_another_catalog_object_at_once(tmp_path: Path):
    writer, reader = Catalog(tmp_path / "c.sqlite"), Catalog(tmp_path / "c.sqlite")
    dataset_id = writer.register_dataset(tmp_path, "image", "fp", ["a"], {"a": 1}, 1)
    assert reader.get_dataset(dataset_id).fingerprint == "fp"
