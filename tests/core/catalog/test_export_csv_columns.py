"""The CSV export holds every hyperparameter and every final metric of the exported runs:
one column per key (the union over runs), blank where a run lacks it, in a fixed order."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.catalog import CSV_COLUMNS, FINAL_COLUMNS, Catalog, export_runs_csv
from app.core.runs import make_config

RunFactory = Callable[..., int]


def _config(model: str, options: dict[str, Any], **values: Any) -> dict[str, Any]:
    """A run's config as the catalog stores it (every key, ``config_version`` included)."""
    return make_config({"dataset": "/data/digits", "model": model, "model_options": options,
                        **values}).to_dict()


def _per_class(names: tuple[str, ...], f1: float) -> list[dict[str, Any]]:
    return [{"class": name, "precision": 0.5, "recall": 0.25, "f1": f1, "support": 7,
             "roc_auc": None} for name in names]


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or ()), list(reader)


@pytest.fixture
def three_runs(catalog: Catalog, make_run: RunFactory) -> list[int]:
    """An MLP and a CNN (other option keys, other classes) that finished, and a queued run."""
    mlp = make_run(name="mlp", model="mlp", config=_config(
        "mlp", {"hidden_sizes": [64, 32], "dropout": 0.1}, lr=0.0123456789, aug_hflip=0.5,
        augment="light", name="my mlp"))
    catalog.update_progress(mlp, epochs_done=3, final_train_loss=0.25, final_val_loss=0.5,
                            final_val_accuracy=0.875)
    catalog.finish_run(mlp, status="completed", test_metrics={
        "samples": 14, "loss": 0.4, "accuracy": 0.75, "macro_f1": 0.7, "roc_auc_macro": 0.9,
        "classes": ["0", "1"], "per_class": _per_class(("0", "1"), 0.7),
        "confusion_matrix": [[5, 2], [1, 6]]})
    cnn = make_run(name="cnn", model="small_cnn",
                   config=_config("small_cnn", {"width": 16}, mixed_precision=False))
    catalog.finish_run(cnn, status="completed", test_metrics={
        "samples": 9, "accuracy": 0.5, "macro_f1": 0.5, "macro_recall": 0.125,
        "per_class": _per_class(("cat", "dog"), 0.5)})
    queued = make_run(name="queued", model="bag_of_embeddings",
                      config=_config("bag_of_embeddings", {}))
    return [mlp, cnn, queued]


def test_every_setting_and_metric_of_every_run_has_a_column(
    catalog: Catalog, three_runs: list[int], tmp_path: Path
):
    mlp, cnn, queued = three_runs
    path = tmp_path / "runs.csv"
    export_runs_csv([catalog.get_run_record(run_id) for run_id in three_runs], path)
    header, (first, second, third) = _read(path)

    assert header[:len(CSV_COLUMNS)] == list(CSV_COLUMNS)
    extra = header[len(CSV_COLUMNS):]
    assert extra[:3] == list(FINAL_COLUMNS)
    scalars = ["test_loss", "test_macro_recall", "test_roc_auc_macro", "test_samples"]
    per_class = [f"test_{metric}.{name}" for metric in ("f1", "precision", "recall", "support")
                 for name in ("0", "1", "cat", "dog")]  # by metric, then class
    tests = scalars + per_class
    assert extra[3:3 + len(tests)] == tests
    settings = extra[3 + len(tests):]
    stored = {key for run_id in three_runs for key in catalog.get_run_record(run_id).config}
    stored -= {"model_options", "config_version"}
    expected = {f"config.{key}" if key in {"model", "name"} else key for key in stored}
    expected |= {"model_options.hidden_sizes", "model_options.dropout", "model_options.width"}
    assert set(settings) == expected and len(settings) == len(expected)
    assert settings == sorted(settings, key=lambda c: c.removeprefix("config."))

    assert (first["config.model"], second["config.model"]) == ("mlp", "small_cnn")
    assert first["config.name"] == "my mlp"
    assert float(first["lr"]) == 0.0123456789  # full precision
    assert json.loads(first["model_options.hidden_sizes"]) == [64, 32]
    assert float(first["model_options.dropout"]) == 0.1
    assert first["model_options.width"] == ""  # the MLP has no width
    assert second["model_options.width"] == "16" and second["model_options.hidden_sizes"] == ""
    assert (first["augment"], first["aug_hflip"], second["aug_hflip"]) == ("light", "0.5", "")
    assert second["mixed_precision"] == "False"
    assert (float(first["final_val_accuracy"]), second["final_val_loss"]) == (0.875, "")
    assert (first["test_loss"], first["test_samples"], first["test_f1.1"]) == ("0.4", "14", "0.7")
    assert first["test_f1.cat"] == "" and second["test_f1.cat"] == "0.5"
    assert second["test_macro_recall"] == "0.125" and first["test_macro_recall"] == ""
    assert "test_roc_auc.0" not in header  # no value in any run: no column
    assert "confusion_matrix" not in " ".join(header)
    assert all(third[c] == "" for c in tests) and third["config.model"] == "bag_of_embeddings"


def test_light_rows_with_their_catalog_export_exactly_what_records_do(
    catalog: Catalog, three_runs: list[int], tmp_path: Path
):
    records = [catalog.get_run_record(run_id) for run_id in three_runs]
    rows = [catalog.run_row(run_id) for run_id in three_runs]
    export_runs_csv(records, tmp_path / "records.csv")
    export_runs_csv(rows, tmp_path / "rows.csv", catalog)
    assert (tmp_path / "rows.csv").read_bytes() == (tmp_path / "records.csv").read_bytes()

    export_runs_csv(rows, tmp_path / "plain.csv")  # no catalog: only the fixed columns
    header, plain = _read(tmp_path / "plain.csv")
    assert header == list(CSV_COLUMNS) and len(plain) == 3


def test_the_header_does_not_depend_on_the_order_of_the_runs(
    catalog: Catalog, three_runs: list[int], tmp_path: Path
):
    records = [catalog.get_run_record(run_id) for run_id in three_runs]
    export_runs_csv(records, tmp_path / "forward.csv")
    export_runs_csv(records[::-1], tmp_path / "backward.csv")
    forward, forward_rows = _read(tmp_path / "forward.csv")
    backward, backward_rows = _read(tmp_path / "backward.csv")
    assert forward == backward
    assert forward_rows == backward_rows[::-1]


def test_the_catalog_pages_rows_export_every_column(
    catalog: Catalog, three_runs: list[int], tmp_path: Path
):
    """What the Catalog page does: every row the query matches, then the catalog's values."""
    rows = catalog.page_runs(limit=None).rows
    export_runs_csv(rows, tmp_path / "page.csv", catalog)
    header, read = _read(tmp_path / "page.csv")
    assert "model_options.width" in header and "test_f1.dog" in header
    assert {row["id"] for row in read} == {str(run_id) for run_id in three_runs}
