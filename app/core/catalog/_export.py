"""Run tables as CSV for spreadsheets and reports: one row per run, every setting and result.

The header is :data:`CSV_COLUMNS` (always, in that order), then the final validation values
(:data:`FINAL_COLUMNS`), then one column per test metric any exported run stored (scalars as
``test_<name>``, per-class values as ``test_<metric>.<class>``), then one per hyperparameter
any exported run stored (the config flattened: ``model_options.embed_dim``, ``aug_hflip``; a
key that would repeat a column's name is written ``config.<key>``). Columns beyond the fixed
ones are sorted by name within their group, so the same runs give the same header; a run
without a value has an empty cell.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.catalog._compare import flatten
from app.core.catalog._records import RunRecord, thaw
from app.core.catalog._rows import RunRow
from app.core.config import VERSION_KEY
from app.core.errors import CatalogError

if TYPE_CHECKING:
    from app.core.catalog._reading import CatalogReader

CSV_COLUMNS: tuple[str, ...] = (
    "id", "name", "status", "model", "dataset_path", "created_at", "finished_at", "epochs_done",
    "total_epochs", "best_val_metric_name", "best_val_metric", "best_epoch", "test_accuracy",
    "test_macro_f1", "wall_seconds", "tags", "notes",
)  # fmt: skip
"""The first columns of :func:`export_runs_csv`, in order."""

FINAL_COLUMNS: tuple[str, ...] = ("final_train_loss", "final_val_loss", "final_val_accuracy")
"""The last epoch's training and validation values, after :data:`CSV_COLUMNS`."""

TAG_SEPARATOR = ";"
CONFIG_PREFIX = "config."
_IN_COLUMNS = frozenset({"accuracy", "macro_f1"})  # test_accuracy / test_macro_f1 already
_FINAL, _TEST, _PER_CLASS, _CONFIG = range(4)  # the groups of extra columns, in order
_NUMBERS = (int, float)  # exact types: a bool is not a metric value


@dataclass(frozen=True)
class RunValues:
    """What a run's CSV row adds to its table row: parsed config and test metrics (plain
    JSON values, not frozen: they are only read) and the final validation values."""

    config: Mapping[str, Any]
    test_metrics: Mapping[str, Any] | None
    final: tuple[float | None, ...]

    @classmethod
    def of(cls, run: RunRecord) -> RunValues:
        return cls(thaw(run.config), thaw(run.test_metrics),
                   tuple(getattr(run, column) for column in FINAL_COLUMNS))


def export_runs_csv(runs: Sequence[RunRecord | RunRow], path: str | os.PathLike[str],
                    catalog: CatalogReader | None = None) -> None:
    """Write ``runs`` (in the order given) to a UTF-8 CSV file; the header is described above.

    Records carry their config and metrics; light rows do not, so pass the ``catalog`` they
    came from to export those too (it is read once, for all runs; without it a row gets only
    :data:`CSV_COLUMNS`). Missing values are empty cells, tags are joined with ``;``, numbers
    are written in full precision, list values as JSON. The file is written next to ``path``
    and renamed over it, so a failure never leaves half a file (or destroys an older export
    of the same name).

    Raises:
        CatalogError: the file cannot be written (folder missing, read-only, disk full).
    """
    target = Path(path).expanduser().absolute()
    header, rows = _table(runs, _values_of(runs, catalog))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise CatalogError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CatalogError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _values_of(runs: Sequence[RunRecord | RunRow],
               catalog: CatalogReader | None) -> list[RunValues | None]:
    read = catalog.run_values([run.id for run in runs if isinstance(run, RunRow)]) \
        if catalog is not None else {}
    return [RunValues.of(run) if isinstance(run, RunRecord) else read.get(run.id)
            for run in runs]


def _table(runs: Sequence[RunRecord | RunRow],
           values: Sequence[RunValues | None]) -> tuple[list[str], list[list[Any]]]:
    order: dict[str, tuple[Any, ...]] = {}  # every extra column: its sort rank
    extras = [_extras(value, order) if value is not None else None for value in values]
    if any(extra is not None for extra in extras):
        order.update({column: (_FINAL, number) for number, column in enumerate(FINAL_COLUMNS)})
    taken = set(CSV_COLUMNS) | {c for c, rank in order.items() if rank[0] != _CONFIG}
    named = {column: _config_name(column, taken) if order[column][0] == _CONFIG else column
             for column in order}
    columns = sorted(order, key=lambda column: (order[column], named[column]))
    blank = [""] * len(columns)
    rows = []
    for run, extra in zip(runs, extras, strict=True):
        row = _fixed(run)
        row.extend(blank if extra is None else [extra.get(column, "") for column in columns])
        rows.append(row)
    return [*CSV_COLUMNS, *(named[column] for column in columns)], rows


def _extras(values: RunValues, order: dict[str, tuple[Any, ...]]) -> dict[str, Any]:
    """One run's ``{column: cell}``; a column seen first is ranked in ``order``. Config keys
    carry a marker prefix (``\0``) until :func:`_config_name` names them."""
    extra: dict[str, Any] = {}
    for number, column in enumerate(FINAL_COLUMNS):
        if values.final[number] is not None:
            extra[column] = values.final[number]
    metrics = values.test_metrics or {}
    for key, value in metrics.items():
        if type(value) in _NUMBERS and key not in _IN_COLUMNS:
            column = "test_" + key
            if column not in order:
                order[column] = (_TEST, key)
            extra[column] = value
    for entry in metrics.get("per_class") or ():
        name = str(entry.get("class", ""))
        for metric, value in entry.items():
            if type(value) in _NUMBERS:
                column = f"test_{metric}.{name}"
                if column not in order:
                    order[column] = (_PER_CLASS, metric, name)
                extra[column] = value
    config = {key: _one_cell(key, value) for key, value in values.config.items()
              if key != VERSION_KEY}
    for key, value in flatten(config).items():
        if isinstance(value, Mapping) and not value:
            continue  # {} of a model without options
        column = "\0" + key
        if column not in order:
            order[column] = (_CONFIG, key)
        extra[column] = _cell(value)
    return extra


def _config_name(marked: str, taken: set[str]) -> str:
    key = marked[1:]
    return CONFIG_PREFIX + key if key in taken or key.startswith(CONFIG_PREFIX) else key


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(thaw(value), sort_keys=True)
    return value


def _fixed(run: RunRecord | RunRow) -> list[Any]:
    values: dict[str, Any] = {column: getattr(run, column, None) for column in CSV_COLUMNS}
    values["tags"] = TAG_SEPARATOR.join(run.tags)
    return ["" if values[column] is None else values[column] for column in CSV_COLUMNS]


def _one_cell(key: str, value: Any) -> Any:
    """Only ``model_options`` spreads over columns; another table (``label_changes``: sample
    id → class, possibly thousands of them) is one JSON cell, blank when empty."""
    if key == "model_options" or not isinstance(value, Mapping):
        return value
    return json.dumps(dict(value), sort_keys=True) if value else ""
