"""A schema-version-1 catalog file (kept in ``assets/``) opens, upgraded, with every row kept."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from catalog_files import metric_points

from app.core.catalog import Catalog, TrashReport, latest_version

ASSETS = Path(__file__).parent / "assets"
TABLES = ("datasets", "runs", "artifacts", "tags")  # metrics: see metric_points


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    """A copy of the asset with its runs folder (never open the committed file itself)."""
    path = tmp_path / "catalog_v1.sqlite"
    shutil.copyfile(ASSETS / "catalog_v1.sqlite", path)
    shutil.copytree(ASSETS / "catalog_v1_runs", tmp_path / "catalog_v1_runs")
    return path


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in TABLES
        }


def test_the_asset_is_a_version_1_file(v1_copy: Path):
    with closing(sqlite3.connect(v1_copy)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_opening_a_v1_file_upgrades_it_and_keeps_every_row(v1_copy: Path):
    before, points = _dump(v1_copy), metric_points(v1_copy)
    assert len(before["runs"]) == 3 and points and before["tags"]

    catalog = Catalog(v1_copy)

    assert catalog.schema_version() == latest_version()
    after = _dump(v1_copy)
    # v2 appended trashed_at; v3 uid, study_id and trial_number; v4 heartbeat_at and health;
    # v5 reproduces_run_id
    assert [row[:-7] for row in after["runs"]] == before["runs"]
    assert [(row[-7], *row[-5:]) for row in after["runs"]] == [(None,) * 6] * 3
    assert [row[:-2] for row in after["datasets"]] == before["datasets"]  # uid, report
    assert metric_points(v1_copy) == points  # rebuilt by v4, every point kept
    for table in ("artifacts", "tags"):
        assert after[table] == before[table]
    runs = catalog.list_runs(limit=None, sort="id")
    assert [run.name for run in runs] == ["boe on topics", "mlp on shapes", "fine-tune"]
    assert all(run.trashed_at is None for run in runs)
    first = catalog.get_run(runs[0].id)
    assert first.tags == ("baseline", "text")
    assert first.run.notes == "first try, ünïcode notes"
    assert len(first.history["val_accuracy"]) == 3
    assert all(artifact.path.is_file() for artifact in first.artifacts)
    assert catalog.get_run_record(runs[2].id).parent_run_id == runs[0].id


def test_an_upgraded_v1_file_supports_the_trash(v1_copy: Path):
    catalog = Catalog(v1_copy)
    sizes = sum(f.stat().st_size for f in (catalog.runs_root / "1").iterdir())
    catalog.trash_runs([1])
    assert [run.id for run in catalog.list_runs(trashed=True)] == [1]
    assert catalog.empty_trash() == TrashReport(runs_removed=1, bytes_reclaimed=sizes)
    assert sizes == 300 + len('{"kind": "text"}')
    assert catalog.get_run_record(3).parent_run_id is None
