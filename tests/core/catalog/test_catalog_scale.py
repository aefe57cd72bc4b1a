"""The catalog at its design size: 10,000 runs with 4 metrics × 100 steps each (4 M points).

Checks correctness only; how fast it is belongs to the benchmarks. The data goes in through the
catalog's own write transaction in bulk, because 10,000 separate ``create_run`` calls would test
nothing more and take minutes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from app.core.catalog import Catalog

RUNS = 10_000
KEYS = ("train_loss", "val_loss", "val_accuracy", "lr")
STEPS = 100
MODELS = ("lenet", "mlp", "cnn", "gru", "transformer")
TIMESTAMP_US = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z, as schema v4 stores it


def _bulk_insert_for_tests(catalog: Catalog, dataset_id: int, rng: random.Random) -> list[dict]:
    """Insert RUNS runs and their metrics in one transaction; return the rows written."""
    runs = []
    for index in range(RUNS):
        finished = rng.random() > 0.1  # 10% have no test accuracy yet: NULLs must sort last
        runs.append({
            "id": index + 1,
            "uid": f"{rng.getrandbits(128):032x}",
            "name": f"run {index + 1}",
            "status": "completed" if finished else "running",
            "model": MODELS[index % len(MODELS)],
            "dataset_id": dataset_id,
            "config": json.dumps({"lr": rng.choice([1e-3, 1e-2]), "seed": index}),
            "seed": index,
            "created_at": f"2026-01-01T00:00:00.{index:06d}Z",
            "epochs_done": STEPS,
            "total_epochs": STEPS,
            "environment": "{}",
            "best_val_metric_name": "val_accuracy",
            "best_val_metric": rng.random(),
            "test_accuracy": round(rng.random(), 3) if finished else None,  # rounding makes ties
            "run_dir": str(index + 1),  # the folder naming of runs made before schema v3
        })  # fmt: skip
    columns = list(runs[0])
    with catalog._write() as db:
        db.conn.executemany(
            f"INSERT INTO runs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            ([run[column] for column in columns] for run in runs),
        )
        # 4 M points generated inside SQLite: a Python loop would spend most of the time here
        db.conn.executemany("INSERT INTO metric_keys (key) VALUES (?)", [(k,) for k in KEYS])
        db.execute(
            "WITH RECURSIVE steps(step) AS (SELECT 1 UNION ALL SELECT step + 1 FROM steps"
            f" WHERE step < {STEPS}),"
            " keys(id, offset) AS (SELECT id, (SELECT key FROM json_each(:keys)"
            "  WHERE value = metric_keys.key) / 10.0 FROM metric_keys)"
            " INSERT INTO metrics (run_id, key_id, step, epoch, value, timestamp)"
            " SELECT runs.id, keys.id, steps.step, steps.step,"
            " runs.id + keys.offset + steps.step / 1000.0, :timestamp"
            " FROM runs, keys, steps ORDER BY runs.id, keys.id, steps.step",
            {"keys": json.dumps(KEYS), "timestamp": TIMESTAMP_US},
        )
    return runs


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, list[dict]]:
    catalog = Catalog(tmp_path_factory.mktemp("scale") / "catalog.sqlite")
    dataset_id = catalog.register_dataset(Path("/data/digits"), "image", "fp", ["0"], {"0": 1}, 1)
    runs = _bulk_insert_for_tests(catalog, dataset_id, random.Random(1234))
    yield catalog, runs
    catalog.close()


def test_top_100_by_test_accuracy_matches_python_sorting(big: tuple[Catalog, list[dict]]):
    catalog, runs = big
    expected = sorted(
        runs,
        key=lambda run: (run["test_accuracy"] is None, -(run["test_accuracy"] or 0), -run["id"]),
    )[:100]
    top = catalog.list_runs(sort="-test_accuracy", limit=100)
    assert [run.id for run in top] == [run["id"] for run in expected]
    assert [run.test_accuracy for run in top] == [run["test_accuracy"] for run in expected]


def test_nulls_stay_last_when_sorting_up_and_paging_reaches_them(big: tuple[Catalog, list[dict]]):
    catalog, runs = big
    missing = sum(run["test_accuracy"] is None for run in runs)
    tail = catalog.list_runs(sort="test_accuracy", limit=missing, offset=RUNS - missing)
    assert len(tail) == missing and all(run.test_accuracy is None for run in tail)
    head = catalog.list_runs(sort="test_accuracy", limit=5)
    assert [run.test_accuracy for run in head] == sorted(
        run["test_accuracy"] for run in runs if run["test_accuracy"] is not None
    )[:5]


def test_filters_and_counts_at_scale(big: tuple[Catalog, list[dict]]):
    catalog, runs = big
    assert catalog.count_runs() == RUNS
    assert catalog.count_runs(status="running") == sum(r["status"] == "running" for r in runs)
    assert catalog.count_runs(model="gru") == RUNS // len(MODELS)
    assert [r.id for r in catalog.list_runs(text="run 9999")] == [9999]
    newest = catalog.list_runs(limit=3)
    assert [r.id for r in newest] == [RUNS, RUNS - 1, RUNS - 2]


def test_history_of_ten_runs(big: tuple[Catalog, list[dict]]):
    catalog, _ = big
    run_ids = list(range(1, RUNS + 1, RUNS // 10))
    histories = catalog.history(run_ids)
    series = [points for history in histories.values() for points in history.values()]
    assert list(histories) == run_ids
    assert len(series) == 10 * len(KEYS)
    assert all(len(points) == STEPS for points in series)
    assert sum(len(points) for points in series) == 10 * len(KEYS) * STEPS
    first = histories[run_ids[1]]["val_loss"]
    assert [p.step for p in first] == list(range(1, STEPS + 1))
    assert first[0].value == pytest.approx(run_ids[1] + 0.1 + 0.001)
