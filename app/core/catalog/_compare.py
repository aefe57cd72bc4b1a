"""Build a :class:`Comparison` from runs already read: metric table, parameter diff, curves.

Pure functions over records, so comparison rules (which metrics, which direction is better,
which parameters differ) are tested without a database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from app.core.catalog._records import (
    Comparison,
    DatasetRecord,
    History,
    MetricRow,
    RunRecord,
)
from app.core.config import VERSION_KEY

MISSING = None
"""Value shown in a parameter diff for a run whose config lacks the key."""

_LOWER_IS_BETTER = ("loss", "error", "perplexity", "seconds", "mae", "mse", "rmse")
_HIGHER_IS_BETTER = ("acc", "f1", "auc", "precision", "recall", "kappa", "mcc", "score")

_COLUMN_METRICS: tuple[str, ...] = (
    "final_train_loss",
    "final_val_loss",
    "final_val_accuracy",
    "test_accuracy",
    "test_macro_f1",
)
_ALREADY_IN_COLUMNS = frozenset({"accuracy", "macro_f1"})


def higher_is_better(name: str) -> bool | None:
    """Direction of a metric from its name; ``None`` when the name does not say."""
    lowered = name.lower()
    if any(word in lowered for word in _LOWER_IS_BETTER):
        return False
    if any(word in lowered for word in _HIGHER_IS_BETTER):
        return True
    return None


def best_index(values: Sequence[float | None], higher: bool | None) -> int | None:
    """Index of the best finite value (first one on ties), or ``None``."""
    if higher is None:
        return None
    candidates = [
        (value if higher else -value, -index)
        for index, value in enumerate(values)
        if value is not None and not math.isnan(value)
    ]
    return -max(candidates)[1] if candidates else None


def metric_row(name: str, values: Sequence[float | None], higher: bool | None) -> MetricRow:
    return MetricRow(name, tuple(values), best_index(values, higher), higher)


def metric_table(runs: Sequence[RunRecord]) -> tuple[MetricRow, ...]:
    """Rows for the denormalised metrics, the best validation metric and scalar test metrics.

    Rows no run has a value for are left out.
    """
    rows: list[MetricRow] = []
    best_names = {run.best_val_metric_name for run in runs if run.best_val_metric is not None}
    if len(best_names) == 1:
        (best_name,) = best_names
        values = [run.best_val_metric for run in runs]
        label = f"best {best_name}" if best_name else "best_val_metric"
        rows.append(metric_row(label, values, higher_is_better(best_name or "")))
    for column in _COLUMN_METRICS:
        values = [getattr(run, column) for run in runs]
        rows.append(metric_row(column, values, higher_is_better(column)))
    for key in _scalar_test_keys(runs):
        values = [_scalar((run.test_metrics or {}).get(key)) for run in runs]
        rows.append(metric_row(f"test_{key}", values, higher_is_better(key)))
    rows.append(metric_row("wall_seconds", [run.wall_seconds for run in runs], False))
    return tuple(row for row in rows if any(value is not None for value in row.values))


def _scalar_test_keys(runs: Sequence[RunRecord]) -> list[str]:
    keys: dict[str, None] = {}
    for run in runs:
        for key, value in (run.test_metrics or {}).items():
            if key not in _ALREADY_IN_COLUMNS and _scalar(value) is not None:
                keys[key] = None
    return sorted(keys)


def _scalar(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def flatten(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"optimizer": {"lr": 0.1}}`` → ``{"optimizer.lr": 0.1}``; lists stay whole values."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def param_diff(
    runs: Sequence[RunRecord], datasets: Mapping[int, DatasetRecord | None]
) -> dict[str, tuple[Any, ...]]:
    """Flattened config keys (plus ``dataset.fingerprint``) whose values differ among runs.

    The stored config's format version is not a parameter: a run written before versions
    existed and one written after do not differ in it.
    """
    flats = []
    for run in runs:
        flat = flatten({k: v for k, v in run.config.items() if k != VERSION_KEY})
        dataset = datasets.get(run.dataset_id)
        flat["dataset.fingerprint"] = dataset.fingerprint if dataset else MISSING
        flats.append(flat)
    keys = sorted({key for flat in flats for key in flat})
    diff: dict[str, tuple[Any, ...]] = {}
    for key in keys:
        values = tuple(flat.get(key, MISSING) for flat in flats)
        if any(_differs(values[0], value) for value in values[1:]):
            diff[key] = values
    return diff


def _differs(a: Any, b: Any) -> bool:
    # type matters: True == 1 == 1.0 in Python, but "use_amp: true" is not "epochs: 1"
    return a != b or (a is None) != (b is None) or isinstance(a, bool) != isinstance(b, bool)


def build_comparison(
    runs: Sequence[RunRecord],
    datasets: Mapping[int, DatasetRecord | None],
    histories: Mapping[int, History],
) -> Comparison:
    return Comparison(
        runs=tuple(runs),
        metric_table=metric_table(runs),
        param_diff=MappingProxyType(param_diff(runs, datasets)),
        curves=MappingProxyType({run.id: histories[run.id] for run in runs}),
    )
