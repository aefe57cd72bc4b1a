"""Exporting runs to CSV: the fixed columns first, one row per run, round-trips through
csv.DictReader (every setting and metric column: test_export_csv_columns.py)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import CSV_COLUMNS, Catalog, export_runs_csv
from app.core.errors import CatalogError

RunFactory = Callable[..., int]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ())[:len(CSV_COLUMNS)] == CSV_COLUMNS
        return list(reader)


def test_export_round_trips_through_dict_reader(
    catalog: Catalog, make_run: RunFactory, tmp_path: Path
):
    done = make_run(name='tricky, "quoted"\nname')
    catalog.update_progress(done, epochs_done=3, best_val_metric_name="val_accuracy",
                            best_val_metric=0.8125, best_epoch=2)
    catalog.finish_run(done, status="completed", wall_seconds=12.5,
                       test_metrics={"accuracy": 0.75, "macro_f1": 0.7321428571428571})
    catalog.set_tags(done, ["b-tag", "a tag"])
    catalog.set_notes(done, "ünïcode; notes\nsecond line")
    empty = make_run(name="never ran")
    runs = [catalog.get_run_record(done), catalog.get_run_record(empty)]
    path = tmp_path / "runs.csv"

    export_runs_csv(runs, path)

    first, second = _read(path)
    run = runs[0]
    assert first["id"] == str(done)
    assert first["name"] == 'tricky, "quoted"\nname'
    assert first["status"] == "completed"
    assert first["model"] == "mlp"
    assert first["dataset_path"] == run.dataset_path
    assert first["created_at"] == run.created_at
    assert first["finished_at"] == run.finished_at
    assert (first["epochs_done"], first["total_epochs"]) == ("3", "3")
    assert first["best_val_metric_name"] == "val_accuracy"
    assert float(first["best_val_metric"]) == 0.8125
    assert first["best_epoch"] == "2"
    assert float(first["test_accuracy"]) == 0.75
    assert float(first["test_macro_f1"]) == 0.7321428571428571  # full precision
    assert float(first["wall_seconds"]) == 12.5
    assert first["tags"] == "a tag;b-tag"
    assert first["notes"] == "ünïcode; notes\nsecond line"
    assert second["id"] == str(empty)
    for column in ("finished_at", "best_val_metric", "test_accuracy", "wall_seconds", "tags"):
        assert second[column] == ""


def test_export_replaces_an_old_file_and_leaves_no_temporary(
    catalog: Catalog, make_run: RunFactory, tmp_path: Path
):
    path = tmp_path / "runs.csv"
    path.write_text("old", encoding="utf-8")
    export_runs_csv([], path)
    assert _read(path) == []
    export_runs_csv([catalog.get_run_record(make_run())], path)
    assert len(_read(path)) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in {".csv", ".tmp"}) == [
        "runs.csv"
    ]


def test_export_into_a_missing_folder_is_a_catalog_error(tmp_path: Path):
    with pytest.raises(CatalogError, match="cannot write"):
        export_runs_csv([], tmp_path / "missing" / "runs.csv")
