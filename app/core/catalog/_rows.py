"""Light rows for run tables: what a table shows of a run, and nothing it has to parse.

A :class:`RunRecord` parses and deep-freezes config, environment and the whole test metrics
(about 150 objects a run); building 10,000 of them took 1.4 s of the 1.6 s a full listing
cost. A :class:`RunRow` holds plain column values and the run's tags, so a page of them costs
little more than the query. :class:`RunPage` is one keyset page of rows and the cursor of the
next one (see :mod:`._paging`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class RunRow:
    """One line of the run table (``Catalog.page_runs``, ``Catalog.run_row``).

    ``message`` and ``notes`` are there for tooltips; everything else a table or a picker
    shows or sorts by. Use ``get_run``/``get_run_record`` for the config, environment and test
    metrics of one run.
    """

    id: int
    uid: str
    name: str
    status: str
    model: str
    dataset_id: int
    dataset_path: str | None
    created_at: str
    finished_at: str | None
    epochs_done: int
    total_epochs: int | None
    wall_seconds: float | None
    best_val_metric_name: str | None
    best_val_metric: float | None
    best_epoch: int | None
    test_accuracy: float | None
    test_macro_f1: float | None
    tags: tuple[str, ...]
    trashed_at: str | None
    health: str | None
    message: str
    notes: str
    study_id: int | None
    trial_number: int | None
    parent_run_id: int | None = None
    """The run this one was fine-tuned from (Compare adds it in one click)."""
    reproduces_run_id: int | None = None
    """The run this one reproduces, or ``None``."""

    @property
    def dataset_name(self) -> str:
        """The last part of the dataset's path (``digits`` for ``/data/digits/``)."""
        path = (self.dataset_path or "").rstrip("/\\")
        return path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class PageCursor:
    """Where the next page starts: after the run ``id`` whose sort column held ``value``.

    A position in the sort order, not a row: rows added or changed meanwhile land before or
    after it by their values, and none is skipped or repeated because an earlier one moved.
    Only valid with the ``sort`` it was made for.
    """

    sort: str
    value: Any
    id: int


@dataclass(frozen=True)
class RunPage:
    """One page of rows in sort order; ``next`` is ``None`` once the last row was read.

    ``total`` is how many runs the whole query selects, counted in the same snapshot as the
    rows when asked for (``page_runs(count=True)``), else ``None``.
    """

    rows: tuple[RunRow, ...]
    next: PageCursor | None
    total: int | None = None


ROW_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(RunRow))

_EXPRESSIONS = {
    "dataset_path": "d.path",
    "tags": "(SELECT json_group_array(tag) FROM"
    " (SELECT tag FROM tags WHERE tags.run_id = r.id ORDER BY tag))",
}

ROW_SELECT = (
    "SELECT "
    + ", ".join(_EXPRESSIONS.get(name, f"r.{name}") for name in ROW_FIELDS)
    + " FROM runs AS r LEFT JOIN datasets AS d ON d.id = r.dataset_id"
)
"""Selects :data:`ROW_FIELDS` in order; add a ``WHERE`` over ``runs AS r``/``datasets AS d``."""

_TAGS = ROW_FIELDS.index("tags")


def row_from_tuple(values: tuple[Any, ...]) -> RunRow:
    """Build a :class:`RunRow` from one tuple of :data:`ROW_SELECT`."""
    tags = values[_TAGS]
    parsed = () if tags is None or tags == "[]" else tuple(json.loads(tags))
    return RunRow(*values[:_TAGS], parsed, *values[_TAGS + 1 :])
