"""Schema v7: a v6 file keeps its registry rows, gains ``archived_at``, and its runs with live
versions can no longer be deleted, even by a statement that bypasses the catalog's check."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from catalog_files import columns, create_at_version, table_rows

from app.core.catalog import Catalog


def test_a_v6_registry_upgrades_and_its_runs_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "catalog_v6.sqlite"
    create_at_version(path, 6)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO datasets (uid, path, kind, fingerprint, num_samples,"
                     " created_at) VALUES ('d', '/data', 'image', 'fp', 1, 'x')")
        conn.execute("INSERT INTO runs (id, uid, name, status, model, dataset_id, created_at,"
                     " run_dir) VALUES (1, ?, 'r', 'completed', 'mlp', 1, 'x', '1')", ["a" * 32])
        conn.execute("INSERT INTO registered_models (name, created_at) VALUES ('churn', 'x')")
        conn.execute("INSERT INTO model_versions (name, version, run_id, run_uid, created_by,"
                     " created_at) VALUES ('churn', 1, 1, ?, 'ana', 'x')", ["a" * 32])
    before = table_rows(path, "model_versions")
    assert "archived_at" not in columns(path, "model_versions")

    catalog = Catalog(path)

    assert catalog.schema_version() >= 7
    assert table_rows(path, "model_versions", drop={"archived_at"}) == before
    assert catalog.model_versions("churn")[0].archived_at is None
    with (closing(sqlite3.connect(path)) as conn,
          pytest.raises(sqlite3.IntegrityError, match="archive them first")):
        conn.execute("DELETE FROM runs WHERE id = 1")
    catalog.archive_model_version("churn", 1, user="ana")
    catalog.delete_run(1)
    assert catalog.model_versions("churn")[0].run_uid == "a" * 32
