"""Schema v4: compact metrics (same points and timestamps through the API), reports, and the
upgrade to it from v1 and v2 assets and from a file made at v3 by the first three migrations.
"""

from __future__ import annotations

import math
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from catalog_files import columns, create_at_version, metric_points, table_rows

from app.core.catalog import Catalog, _schema_v4, latest_version
from app.core.catalog._metrics import micros_to_text, text_to_micros
from app.core.errors import CatalogError

RunFactory = Callable[..., int]
TESTS = Path(__file__).parents[2]
V1 = TESTS / "core" / "catalog" / "assets" / "catalog_v1.sqlite"
V2 = TESTS / "assets" / "legacy_d2263c9" / "catalog.sqlite"
V3_POINTS = [  # run 1: NaN as NULL, no epoch, a step logged at two times, a key per run
    (1, "val_loss", 1, 1, 0.5, "2026-05-09T07:35:25.123456Z"),
    (1, "val_loss", 2, 2, None, "2026-05-09T07:35:26.000001Z"),
    (1, "train_loss_step", 7, None, 1.25, "1999-12-31T23:59:59.999999Z"),
    (2, "lr", 1, 1, 0.001, "2026-05-09T07:35:25.123456Z"),
]


def _v3_file(folder: Path) -> Path:
    """A catalog made at v3 by the first three migrations, with points in the v3 layout."""
    path = folder / "catalog_v3.sqlite"
    create_at_version(path, 3)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO datasets (uid, path, kind, fingerprint, num_samples,"
                     " created_at) VALUES ('d', '/data', 'image', 'fp', 1, 'x')")
        for run_id in (1, 2):
            conn.execute("INSERT INTO runs (id, name, status, model, dataset_id, created_at,"
                         " run_dir) VALUES (?, 'r', 'running', 'mlp', 1,"
                         " '2026-05-09T07:35:25.123456Z', ?)", (run_id, str(run_id)))
        conn.executemany("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)", V3_POINTS)
    return path


@pytest.fixture(params=["v1", "v2", "v3"])
def old_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "v3":
        return _v3_file(tmp_path)
    source = V1 if request.param == "v1" else V2
    path = tmp_path / source.name
    shutil.copyfile(source, path)
    shutil.copytree(source.parent / f"{source.stem}_runs", tmp_path / f"{source.stem}_runs")
    return path


def test_the_upgrade_keeps_every_point_and_its_timestamp(old_file: Path):
    before = metric_points(old_file)
    runs_before = table_rows(old_file, "runs")
    catalog = Catalog(old_file)
    assert catalog.schema_version() == latest_version()
    assert metric_points(old_file) == before
    assert [row[:len(runs_before[0])] for row in table_rows(old_file, "runs")] == runs_before
    assert {"heartbeat_at", "health"} <= set(columns(old_file, "runs"))
    assert "report" in columns(old_file, "datasets")
    through_api = [
        (run_id, key, p.step, p.epoch, None if math.isnan(p.value) else p.value, p.timestamp)
        for run_id, history in catalog.history({row[0] for row in before}).items()
        for key, points in history.items() for p in points
    ]  # fmt: skip
    assert sorted(through_api, key=lambda row: row[:3]) == before
    with closing(sqlite3.connect(old_file)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        keys = [row[0] for row in conn.execute("SELECT key FROM metric_keys ORDER BY id")]
    assert keys == sorted({row[1] for row in before})


def test_an_upgraded_file_takes_new_points_under_old_and_new_keys(tmp_path: Path):
    catalog = Catalog(_v3_file(tmp_path))
    catalog.log_metrics(1, [("val_loss", 3, 3, 0.25), ("val_accuracy", 3, 3, 0.9)])
    history = catalog.history([1])[1]
    assert [p.step for p in history["val_loss"]] == [1, 2, 3]
    assert history["val_accuracy"][0].value == 0.9
    assert list(history) == sorted(history)  # series by name, as before v4


def test_a_failing_upgrade_leaves_the_v3_file_as_it_was(tmp_path: Path, monkeypatch):  # noqa: ANN001
    path = _v3_file(tmp_path)
    before = metric_points(path)
    monkeypatch.setattr(_schema_v4, "_STATEMENTS", (*_schema_v4._STATEMENTS, "SELECT nonsense"))
    with pytest.raises(CatalogError, match="nonsense"):
        Catalog(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'metric_keys'"
                            ).fetchone()[0] == 0  # fmt: skip
    assert metric_points(path) == before


@pytest.mark.parametrize("text", ["2026-05-09T07:35:25.123456Z", "1970-01-01T00:00:00.000000Z",
                                  "2099-12-31T23:59:59.999999Z", "1969-07-20T20:17:40.000001Z"])
def test_timestamps_round_trip_exactly(text: str):
    assert micros_to_text(text_to_micros(text)) == text


def test_points_are_stored_compactly(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    for epoch in range(1, 101):
        catalog.log_metrics(run_id, [(key, epoch, epoch, 1 / (epoch + 3))
                                     for key in ("train_loss", "val_loss", "val_accuracy", "lr")])
    with catalog._read() as db:
        stored = db.execute("SELECT typeof(key_id), typeof(timestamp) FROM metrics LIMIT 1")
        assert stored.fetchone() == ("integer", "integer")
        payload = db.execute("SELECT sum(length(value) * 0 + 8) FROM metrics").fetchone()[0]
    assert payload == 400 * 8
    history = catalog.history([run_id])[run_id]
    assert len({p.timestamp for p in history["lr"]}) == 100  # one time per log call
    assert all(p.timestamp.endswith("Z") and len(p.timestamp) == 27 for p in history["lr"])


def test_a_dataset_keeps_its_validation_report(catalog: Catalog, tmp_path: Path):
    report = {"found": 12, "kept": 10, "skipped": [{"source": "a.png", "reason": "unreadable"}]}
    dataset = catalog.register_dataset(tmp_path / "d", "image", "fp", ["a"], {"a": 10}, 10,
                                       report=report)
    record = catalog.get_dataset(dataset)
    assert record.report["skipped"][0]["reason"] == "unreadable"
    with pytest.raises(TypeError):
        record.report["found"] = 1  # type: ignore[index]  # frozen
    again = catalog.register_dataset(tmp_path / "d", "image", "fp", ["a"], {"a": 10}, 10)
    assert again == dataset and catalog.get_dataset(dataset).report["kept"] == 10
    catalog.register_dataset(tmp_path / "d", "image", "fp", ["a"], {"a": 10}, 10,
                             report={**report, "kept": 11})
    assert catalog.get_dataset(dataset).report["kept"] == 11
    with pytest.raises(CatalogError, match="validation report cannot be stored"):
        catalog.register_dataset(tmp_path / "e", "image", "fp", [], {}, 0, report={"x": object()})
