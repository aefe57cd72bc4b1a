"""Comparing runs: metric table with the right winner per direction, parameter diff, curves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import Catalog, MetricRow
from app.core.catalog._compare import best_index, flatten, higher_is_better
from app.core.errors import CatalogError

RunFactory = Callable[..., int]

BASE_CONFIG = {
    "epochs": 10,
    "batch_size": 32,
    "optimizer": {"name": "adam", "lr": 0.001, "betas": [0.9, 0.999]},
    "model_options": {"dropout": 0.1},
    "augment": True,
}


def _config(**changes):
    config = {**BASE_CONFIG, "optimizer": dict(BASE_CONFIG["optimizer"])}
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        target = config
        for parent in parents:
            target = target[parent]
        target[leaf] = value
    return config


def _row(rows: tuple[MetricRow, ...], name: str) -> MetricRow:
    (row,) = [row for row in rows if row.name == name]
    return row


def _finish(catalog: Catalog, run_id: int, *, train_loss, val_loss, val_acc, test_acc, f1, auc):
    catalog.update_progress(
        run_id, epochs_done=10, best_val_metric_name="val_loss", best_val_metric=val_loss,
        best_epoch=7, final_train_loss=train_loss, final_val_loss=val_loss,
        final_val_accuracy=val_acc,
    )  # fmt: skip
    catalog.finish_run(
        run_id, status="completed", wall_seconds=60.0,
        test_metrics={"accuracy": test_acc, "macro_f1": f1, "roc_auc": auc,
                      "confusion_matrix": [[1, 0], [0, 1]]},
    )  # fmt: skip


@pytest.fixture
def trio(catalog: Catalog, make_run: RunFactory, tmp_path: Path) -> list[int]:
    other = catalog.register_dataset(tmp_path / "digits", "image", "fp-v2", ["0", "1"],
                                     {"0": 6, "1": 7}, 13)  # fmt: skip
    a = make_run(name="a", config=_config())
    b = make_run(name="b", config=_config(optimizer__lr=0.01))
    c = make_run(name="c", config=_config(optimizer__lr=0.01, batch_size=64), dataset_id=other)
    _finish(
        catalog, a, train_loss=0.20, val_loss=0.30, val_acc=0.90, test_acc=0.88, f1=0.80, auc=0.9
    )
    _finish(
        catalog, b, train_loss=0.10, val_loss=0.40, val_acc=0.95, test_acc=0.93, f1=0.85, auc=0.7
    )
    _finish(
        catalog, c, train_loss=0.15, val_loss=0.25, val_acc=0.85, test_acc=0.91, f1=0.90, auc=0.8
    )
    for run_id, scale in ((a, 1.0), (b, 2.0), (c, 3.0)):
        catalog.log_metrics(run_id, [("val_loss", e, e, scale / e) for e in range(1, 4)])
    return [a, b, c]


def test_best_is_lowest_for_losses_and_highest_for_accuracy_f1_auc(
    catalog: Catalog, trio: list[int]
):
    table = catalog.compare_runs(trio).metric_table
    expected_best = {
        "final_train_loss": 1, "final_val_loss": 2, "best val_loss": 2,
        "final_val_accuracy": 1, "test_accuracy": 1, "test_macro_f1": 2, "test_roc_auc": 0,
    }  # fmt: skip
    for name, index in expected_best.items():
        row = _row(table, name)
        assert row.best_index == index, name
        assert row.higher_is_better is ("loss" not in name), name
    assert _row(table, "test_accuracy").values == (0.88, 0.93, 0.91)
    assert "test_confusion_matrix" not in {row.name for row in table}  # not a scalar


def test_param_diff_has_only_the_keys_that_differ(catalog: Catalog, trio: list[int]):
    diff = catalog.compare_runs(trio).param_diff
    assert dict(diff) == {
        "optimizer.lr": (0.001, 0.01, 0.01),
        "batch_size": (32, 32, 64),
        "dataset.fingerprint": ("fp-digits", "fp-digits", "fp-v2"),
    }


def test_param_diff_shows_missing_keys_and_nested_changes(catalog: Catalog, make_run: RunFactory):
    first = make_run(config={"optimizer": {"name": "sgd", "momentum": 0.9}, "epochs": 5})
    second = make_run(config={"optimizer": {"name": "sgd"}, "epochs": 5, "use_amp": True})
    third = make_run(config={"optimizer": {"name": "sgd"}, "epochs": 5, "use_amp": 1})
    diff = catalog.compare_runs([first, second, third]).param_diff
    assert dict(diff) == {
        "optimizer.momentum": (0.9, None, None),
        "use_amp": (None, True, 1),
    }


def test_the_config_format_version_is_not_a_difference(catalog: Catalog, make_run: RunFactory):
    """A run stored before configs carried a version and one stored after compare equal."""
    old = make_run(config={"epochs": 5, "lr": 0.1})
    new = make_run(config={"epochs": 5, "lr": 0.1, "config_version": 2})
    assert dict(catalog.compare_runs([old, new]).param_diff) == {}


def test_curves_and_runs_follow_the_order_asked(catalog: Catalog, trio: list[int]):
    a, b, c = trio
    comparison = catalog.compare_runs([c, a, c, b])
    assert [run.id for run in comparison.runs] == [c, a, b]
    assert list(comparison.curves) == [c, a, b]
    assert [p.value for p in comparison.curves[c]["val_loss"]] == [3.0, 1.5, 1.0]
    assert _row(comparison.metric_table, "test_accuracy").best_index == 2  # b, now third


def test_rows_without_values_are_left_out(catalog: Catalog, make_run: RunFactory):
    comparison = catalog.compare_runs([make_run(), make_run()])
    assert comparison.metric_table == ()
    assert dict(comparison.param_diff) == {}


def test_compare_needs_two_existing_runs(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    with pytest.raises(CatalogError, match="at least two"):
        catalog.compare_runs([run_id])
    with pytest.raises(CatalogError, match="at least two"):
        catalog.compare_runs([run_id, run_id])
    with pytest.raises(CatalogError, match="no run 77"):
        catalog.compare_runs([run_id, 77])


@pytest.mark.parametrize(
    ("name", "expected"),
    [("val_loss", False), ("test_accuracy", True), ("macro_f1", True), ("roc_auc", True),
     ("wall_seconds", False), ("error_rate", False), ("epochs", None)],
)  # fmt: skip
def test_direction_from_the_metric_name(name: str, expected: bool | None):
    assert higher_is_better(name) is expected


def test_best_index_skips_missing_and_nan_and_prefers_the_first_on_ties():
    nan = float("nan")
    assert best_index([None, 0.5, nan, 0.5, 0.2], higher=True) == 1
    assert best_index([None, 0.5, nan, 0.5, 0.2], higher=False) == 4
    assert best_index([None, nan], higher=True) is None
    assert best_index([0.1, 0.2], higher=None) is None


def test_flatten_uses_dotted_keys_and_keeps_lists_whole():
    assert flatten({"a": {"b": {"c": 1}}, "d": [1, 2], "e": {}}) == {
        "a.b.c": 1, "d": [1, 2], "e": {},
    }  # fmt: skip
