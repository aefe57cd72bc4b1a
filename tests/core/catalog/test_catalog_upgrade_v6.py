"""Schema v6: a v5 file gains the derived-model and registry tables and keeps every row."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from catalog_files import create_at_version, table_rows

from app.core.catalog import Catalog
from app.core.catalog._schema import latest_version

_NEW_TABLES = {"model_exports", "registered_models", "model_versions", "model_aliases",
               "registry_events"}


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_a_v5_file_upgrades_to_v6_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "catalog_v5.sqlite"
    create_at_version(path, 5)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO datasets (uid, path, kind, fingerprint, num_samples,"
                     " created_at) VALUES ('d', '/data', 'image', 'fp', 1, 'x')")
        conn.execute("INSERT INTO runs (id, uid, name, status, model, dataset_id, created_at,"
                     " run_dir) VALUES (1, ?, 'r', 'completed', 'mlp', 1, 'x', '1')",
                     ["a" * 32])
    assert not _NEW_TABLES & _tables(path)
    before = table_rows(path, "runs")

    catalog = Catalog(path)

    assert catalog.schema_version() == latest_version() >= 6
    assert _tables(path) >= _NEW_TABLES
    assert table_rows(path, "runs") == before
    assert catalog.get_run_record(1).name == "r"


def test_a_derived_model_goes_with_its_run(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    Catalog(path)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("INSERT INTO datasets (uid, path, kind, fingerprint, num_samples,"
                     " created_at) VALUES ('d', '/data', 'image', 'fp', 1, 'x')")
        conn.execute("INSERT INTO runs (id, uid, name, status, model, dataset_id, created_at,"
                     " run_dir) VALUES (1, ?, 'r', 'completed', 'mlp', 1, 'x', '1')",
                     ["a" * 32])
        conn.execute("INSERT INTO model_exports (uid, run_id, kind, format, path, size_bytes,"
                     " sha256, status, created_at) VALUES ('e', 1, 'onnx', 'onnx', 'm.onnx',"
                     " 1, 's', 'passed', 'x')")
        conn.execute("DELETE FROM runs WHERE id = 1")
        assert conn.execute("SELECT COUNT(*) FROM model_exports").fetchone()[0] == 0
