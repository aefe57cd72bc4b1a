"""Schema v5: a reproduction links to the run it re-ran (``reproduces_run_id``), apart from
the fine-tuning parent; the link is filterable, survives trash and is cleared when the
original is deleted; a v4 file upgrades with every row kept."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from catalog_files import columns, create_at_version, table_rows

from app.core.catalog import Catalog, latest_version
from app.core.errors import CatalogError

RunFactory = Callable[..., int]


def test_a_reproduction_keeps_its_own_link_beside_the_parent(
        catalog: Catalog, make_run: RunFactory) -> None:
    parent = make_run(name="parent")
    original = make_run(name="original", parent_run_id=parent)

    copy = make_run(name="copy", parent_run_id=parent, reproduces_run_id=original)

    record = catalog.get_run_record(copy)
    assert (record.parent_run_id, record.reproduces_run_id) == (parent, original)
    assert catalog.run_row(copy).reproduces_run_id == original
    assert [run.id for run in catalog.list_runs(reproduces_run_id=original)] == [copy]
    assert catalog.get_run_record(original).reproduces_run_id is None


def test_the_original_must_exist_and_deleting_it_clears_the_link(
        catalog: Catalog, make_run: RunFactory) -> None:
    with pytest.raises(CatalogError, match="42"):
        make_run(reproduces_run_id=42)
    original = make_run(name="original")
    copy = make_run(name="copy", reproduces_run_id=original)

    catalog.trash_runs([original])
    assert catalog.get_run_record(copy).reproduces_run_id == original  # the trash keeps it
    catalog.delete_run(original)

    assert catalog.get_run_record(copy).reproduces_run_id is None


def test_a_v4_file_upgrades_to_v5_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "catalog_v4.sqlite"
    create_at_version(path, 4)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO datasets (uid, path, kind, fingerprint, num_samples,"
                     " created_at) VALUES ('d', '/data', 'image', 'fp', 1, 'x')")
        conn.execute("INSERT INTO runs (id, uid, name, status, model, dataset_id, created_at,"
                     " run_dir) VALUES (1, ?, 'r', 'completed', 'mlp', 1, 'x', '1')",
                     ["a" * 32])
    before = table_rows(path, "runs")

    catalog = Catalog(path)

    assert catalog.schema_version() == latest_version() >= 5
    assert columns(path, "runs")[-1] == "reproduces_run_id"
    assert [row[:-1] for row in table_rows(path, "runs")] == before
    assert catalog.get_run_record(1).reproduces_run_id is None
