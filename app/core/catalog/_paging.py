"""Sort orders of the run table and keyset pages over them.

``LIMIT/OFFSET`` makes SQLite walk and drop every row before the page, so the chunk at offset
9,800 of 10,000 cost ten times the first. A keyset page instead starts where the previous one
ended, ``(column, id) < (last value, last id)``, which is one index range whatever the depth.
The order is the one ``list_runs`` has always had: NULLs last in both directions, ties newest
run (highest id) first. NULLs cannot sit in a row-value range, so a page reads the non-NULL
values first and then, when it still has room, the NULLs by id.

:meth:`Sort.key` gives the same order in Python, so a view can place a changed row among the
rows it already shows without asking the database where it went.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from app.core.catalog._records import RUN_COLUMNS
from app.core.catalog._rows import ROW_FIELDS, ROW_SELECT, PageCursor, RunPage, RunRow
from app.core.catalog._rows import row_from_tuple as _row
from app.core.catalog._run_query import RunQuery
from app.core.errors import CatalogError

SORTABLE_COLUMNS: frozenset[str] = frozenset(RUN_COLUMNS) - {
    "config", "environment", "test_metrics", "notes", "run_dir", "message", "uid",
}  # fmt: skip
"""Columns ``list_runs(sort=...)`` accepts; a whitelist, because the name goes into SQL."""

PAGE_SORTABLE: frozenset[str] = SORTABLE_COLUMNS & frozenset(ROW_FIELDS)
"""Columns ``page_runs`` sorts by: those a :class:`RunRow` carries, so cursors can be made."""

TEXT_COLUMNS = frozenset(
    {"name", "status", "model", "device", "hostname", "best_val_metric_name", "health"}
)
"""Sorted ignoring (ASCII) case, like SQLite's ``NOCASE``."""

_NOT_NULL = frozenset({"id", "name", "status", "model", "dataset_id", "created_at", "epochs_done"})
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@dataclass(frozen=True)
class Sort:
    """A sort order: ``Sort.parse("-test_accuracy")`` is test accuracy, highest first."""

    column: str
    descending: bool

    @classmethod
    def parse(cls, text: str, allowed: frozenset[str] = SORTABLE_COLUMNS) -> Sort:
        column = text[1:] if text.startswith(("-", "+")) else text
        if column not in allowed:
            raise CatalogError(
                f"cannot sort runs by {column!r}; sortable columns: {', '.join(sorted(allowed))}"
            )
        return cls(column, text.startswith("-"))

    @property
    def text(self) -> str:
        return ("-" if self.descending else "") + self.column

    @property
    def _expression(self) -> str:
        collate = " COLLATE NOCASE" if self.column in TEXT_COLUMNS else ""
        return f"r.{self.column}{collate}"

    @property
    def _direction(self) -> str:
        return "DESC" if self.descending else "ASC"

    def order_by(self) -> str:
        """``ORDER BY`` with NULLs last and newest-first ties (what ``list_runs`` uses)."""
        tie = "" if self.column == "id" else ", r.id DESC"
        return f" ORDER BY {self._expression} {self._direction} NULLS LAST{tie}"

    def key(self, value: Any, run_id: int) -> tuple[Any, ...]:
        """A Python sort key that orders ``(value, run_id)`` pairs exactly as the SQL does."""
        if self.column == "id":
            return (-run_id,) if self.descending else (run_id,)
        if value is None:
            return (1, 0, -run_id)
        if self.column in TEXT_COLUMNS and isinstance(value, str):
            value = value.translate(_ASCII_LOWER)  # NOCASE folds ASCII letters only
        return (0, _Reversed(value) if self.descending else value, -run_id)

    def row_key(self, row: RunRow) -> tuple[Any, ...]:
        return self.key(getattr(row, self.column), row.id)

    def cursor_after(self, row: RunRow) -> PageCursor:
        return PageCursor(self.text, getattr(row, self.column), row.id)


@functools.total_ordering
class _Reversed:
    """Wraps a value so that it sorts in reverse (a descending column inside a key tuple)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value

    def __lt__(self, other: _Reversed) -> bool:
        return other.value < self.value

    def __hash__(self) -> int:
        return hash(self.value)


def select_page(
    db: Database, query: RunQuery, sort: Sort, limit: int | None, after: PageCursor | None
) -> RunPage:
    """One keyset page of ``query`` in ``sort`` order, starting after ``after``."""
    if after is not None and after.sort != sort.text:
        raise CatalogError(f"a cursor made for sort {after.sort!r} cannot page sort {sort.text!r}")
    where, params = query.where()
    want = -1 if limit is None else max(0, int(limit))
    if after is not None:
        params.update(after_value=after.value, after_id=int(after.id))

    def run(clause: str, n: int) -> list[RunRow]:
        found = db.execute(ROW_SELECT + where + clause, {**params, "n": n})
        return [_row(values) for values in found]

    expression, direction = sort._expression, sort._direction
    if sort.column == "id":
        clause = "" if after is None else f" AND r.id {'<' if sort.descending else '>'} :after_id"
        rows = run(f"{clause} ORDER BY r.id {direction} LIMIT :n", want)
    else:
        rows = []
        if after is None or after.value is not None:
            clause = f" AND {expression} IS NOT NULL"
            if after is not None and sort.descending:
                clause += f" AND ({expression}, r.id) < (:after_value, :after_id)"
            elif after is not None:  # ascending values, ties still by id descending
                clause += (f" AND {expression} >= :after_value"
                           f" AND ({expression} > :after_value OR r.id < :after_id)")  # fmt: skip
            rows = run(f"{clause} ORDER BY {expression} {direction}, r.id DESC LIMIT :n", want)
        room = -1 if want < 0 else want - len(rows)
        if room != 0 and sort.column not in _NOT_NULL:
            clause = f" AND {expression} IS NULL"
            if after is not None and after.value is None:
                clause += " AND r.id < :after_id"
            rows += run(f"{clause} ORDER BY r.id DESC LIMIT :n", room)
    full = want > 0 and len(rows) == want  # a full page: there may be more
    return RunPage(tuple(rows), sort.cursor_after(rows[-1]) if full else None)


def select_row(db: Database, query: RunQuery, run_id: int) -> RunRow | None:
    """The run's row if it exists and ``query`` selects it, else ``None``."""
    where, params = query.where()
    params["row_id"] = int(run_id)
    found = db.execute(ROW_SELECT + where + " AND r.id = :row_id", params).fetchone()
    return None if found is None else _row(found)
