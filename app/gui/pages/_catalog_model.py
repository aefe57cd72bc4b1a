"""The run table's model: light rows in keyset chunks, every catalog read on the thread pool.

At 10,000 runs the table used to block the GUI thread for every sort, filter and refresh, and
scrolling to the end re-sorted everything once per ``LIMIT/OFFSET`` chunk. Now each read is a
task on the pool (``run_in_background``) and the GUI thread only applies results:

* a *load* (new query, sort, catalog, or a full refresh) reads the count and the first rows
  in one snapshot and resets the model; it bumps the generation, so results of anything
  started for an older query are dropped when they arrive;
* a *fetch* reads the next ``CHUNK`` rows after the keyset cursor (``Catalog.page_runs``) and
  appends them;
* an *update* (``update_run``: one run changed) re-reads that run's row and moves, inserts or
  drops it by comparing sort keys with the rows already shown (``Sort.row_key``), so nothing
  else is read again. Rows beyond the loaded part are left to later fetches: the cursor is a
  position in the sort order, so a run that moved past it is fetched there.

Tasks of one generation run one at a time, in order, so each reads the catalog after the
previous one was applied and no row is skipped between a fetch and an update. Rows are frozen
records; edits go through the catalog, then the page calls ``update_run`` or ``refresh``.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor

from app.core.catalog import PAGE_SORTABLE, Catalog, RunPage, RunQuery, RunRow, Sort
from app.gui.colors import run_color
from app.gui.pages._catalog_format import format_duration, format_time
from app.gui.workers import run_in_background

CHUNK = 200


@dataclass(frozen=True)
class Column:
    title: str
    sort_key: str | None  # a catalog sort column, or None when not sortable
    text: Callable[[RunRow], str]
    numeric: bool = False


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def _best(run: RunRow) -> str:
    if run.best_val_metric is None:
        return ""
    name = (run.best_val_metric_name or "").removeprefix("val_")
    value = _percent(run.best_val_metric) if "acc" in name else f"{run.best_val_metric:.4f}"
    return f"{value} {name}".strip()


def _epochs(run: RunRow) -> str:
    return f"{run.epochs_done}/{run.total_epochs}" if run.total_epochs else str(run.epochs_done)


def _status(run: RunRow) -> str:
    return f"{run.status} · {run.health}" if run.health else run.status


COLUMNS: tuple[Column, ...] = (
    Column("", "id", lambda run: ""),  # colour swatch
    Column("ID", "id", lambda run: str(run.id), numeric=True),
    Column("Name", "name", lambda run: run.name),
    Column("Status", "status", _status),
    Column("Model", "model", lambda run: run.model),
    Column("Dataset", "dataset_id", lambda run: run.dataset_name),
    Column("Best val", "best_val_metric", _best, numeric=True),
    Column("Test acc", "test_accuracy", lambda run: _percent(run.test_accuracy), numeric=True),
    Column("Macro F1", "test_macro_f1", lambda run: _percent(run.test_macro_f1), numeric=True),
    Column("Epochs", "epochs_done", _epochs, numeric=True),
    Column("Time", "wall_seconds", lambda run: format_duration(run.wall_seconds), numeric=True),
    Column("Created", "created_at", lambda run: format_time(run.created_at)),
    Column("Tags", None, lambda run: ", ".join(run.tags)),
)
STATUS_COLORS = {"completed": "#009E73", "running": "#0072B2", "stopped": "#E69F00",
                 "failed": "#D55E00", "diverged": "#D55E00", "queued": "#666666",
                 "pruned": "#56B4E9", "interrupted": "#CC79A7"}


class RunTableModel(QAbstractTableModel):
    """Runs matching ``filters`` in ``sort_key`` order, loaded ``CHUNK`` rows at a time."""

    loaded = Signal()  # a load's rows and count are shown (the model was reset)
    fetched = Signal(int)  # that many rows were appended
    row_updated = Signal(int)  # the run's changed row was placed, or dropped from the view
    settled = Signal()  # no read is pending any more
    failed = Signal(str)  # a read failed; the message is for the user

    def __init__(self, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.filters: dict[str, Any] = {}
        self.trashed = False
        self.sort_key = "-created_at"
        self.runs: list[RunRow] = []
        self.total = 0
        self._next: Any = None  # PageCursor of the next chunk, None when all are loaded
        self._generation = 0
        self._busy = False
        self._queue: deque[tuple[str, int]] = deque()  # ("fetch", 0) / ("update", run id)
        self._index: dict[int, int] | None = None

    # ------------------------------------------------------------------------- queries
    @property
    def run_query(self) -> RunQuery:
        return RunQuery(trashed=self.trashed, **self.filters)

    @property
    def busy(self) -> bool:
        """Whether a read is running or waiting (tests wait for this to clear)."""
        return self._busy or bool(self._queue)

    def set_query(self, *, catalog: Catalog | None = None, filters: dict[str, Any] | None = None,
                  trashed: bool | None = None, sort_key: str | None = None) -> None:
        """Change any of the query's parts and load its first chunk in the background."""
        if catalog is not None:
            self.catalog = catalog
        if filters is not None:
            self.filters = {key: value for key, value in filters.items() if value is not None}
        if trashed is not None:
            self.trashed = trashed
        if sort_key is not None:
            self.sort_key = sort_key
        self._load(CHUNK)

    def refresh(self) -> None:
        """Reload as many rows as are loaded (at least one chunk), so scrolling stays put."""
        self._load(max(CHUNK, len(self.runs)))

    def update_run(self, run_id: int) -> None:
        """Re-read one run's row after it changed and put it where it now belongs."""
        if ("update", run_id) not in self._queue:
            self._queue.append(("update", int(run_id)))
            self._pump()

    def row_of(self, run_id: int) -> int | None:
        if self._index is None:
            self._index = {run.id: row for row, run in enumerate(self.runs)}
        return self._index.get(run_id)

    # ------------------------------------------------------------------------ the tasks
    def _load(self, rows: int) -> None:
        self._generation += 1
        self._queue.clear()  # the load reads everything they would have
        self._busy = True
        catalog, query, sort = self.catalog, self.run_query, self.sort_key
        self._start(lambda: catalog.page_runs(query, sort=sort, limit=rows, count=True),
                    self._on_loaded, self._generation)

    def _pump(self) -> None:
        if self._busy:
            return
        if not self._queue:
            self.settled.emit()
            return
        kind, run_id = self._queue.popleft()
        self._busy = True
        catalog, query, sort, after = self.catalog, self.run_query, self.sort_key, self._next
        if kind == "fetch":
            if after is None:  # the end was reached meanwhile
                self._busy = False
                self._pump()
                return
            self._start(lambda: catalog.page_runs(query, sort=sort, limit=CHUNK, after=after),
                        self._on_fetched, self._generation)
        else:
            self._start(lambda: (catalog.run_row(run_id, query), catalog.count_runs(query)),
                        lambda result: self._on_row(run_id, *result), self._generation)

    def _start(self, work: Callable[[], Any], apply: Callable[[Any], None],
               generation: int) -> None:
        def done(result: Any) -> None:
            if generation == self._generation:
                apply(result)
                self._finish()

        def failed(message: str) -> None:
            if generation == self._generation:
                self.failed.emit(message)
                self._finish()

        run_in_background(self, work, done, failed)

    def _finish(self) -> None:
        self._busy = False
        self._pump()

    def _on_loaded(self, page: RunPage) -> None:
        self.beginResetModel()
        self.runs, self._next, self._index = list(page.rows), page.next, None
        self.total = len(self.runs) if page.next is None else max(page.total or 0, len(self.runs))
        self.endResetModel()
        self.loaded.emit()

    def _on_fetched(self, page: RunPage) -> None:
        new = [run for run in page.rows if self.row_of(run.id) is None]
        self._next = page.next
        if new:
            self.beginInsertRows(QModelIndex(), len(self.runs), len(self.runs) + len(new) - 1)
            self.runs.extend(new)
            self._index = None
            self.endInsertRows()
        self.total = len(self.runs) if page.next is None else max(self.total, len(self.runs))
        self.fetched.emit(len(new))

    def _on_row(self, run_id: int, row: RunRow | None, total: int) -> None:
        order = Sort.parse(self.sort_key, PAGE_SORTABLE)
        if row is not None and self._next is not None and \
                order.row_key(row) > order.key(self._next.value, self._next.id):
            row = None  # it now sorts after the loaded rows: a later fetch brings it
        old = self.row_of(run_id)
        if row is None and old is not None:
            self.beginRemoveRows(QModelIndex(), old, old)
            del self.runs[old]
            self._index = None
            self.endRemoveRows()
        elif row is not None:
            self._place(row, old, order)
        self.total = max(total, len(self.runs)) if self._next is not None else len(self.runs)
        self.row_updated.emit(run_id)

    def _place(self, row: RunRow, old: int | None, order: Sort) -> None:
        key, runs = order.row_key(row), self.runs
        if old is None:
            at = bisect.bisect_left(runs, key, key=order.row_key)
            self.beginInsertRows(QModelIndex(), at, at)
            runs.insert(at, row)
        else:
            if old > 0 and key < order.row_key(runs[old - 1]):
                at = bisect.bisect_left(runs, key, 0, old, key=order.row_key)
            elif old + 1 < len(runs) and key > order.row_key(runs[old + 1]):
                at = bisect.bisect_left(runs, key, old + 1, len(runs), key=order.row_key) - 1
            else:
                runs[old] = row
                self.dataChanged.emit(self.index(old, 0), self.index(old, len(COLUMNS) - 1))
                return
            # Qt's destination counts rows before the move; moving keeps the selection
            self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), at if at < old else at + 1)
            del runs[old]
            runs.insert(at, row)
        self._index = None
        if old is None:
            self.endInsertRows()
        else:
            self.endMoveRows()
            self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))

    # ---------------------------------------------------------------------- Qt model API
    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if not parent.isValid() and self._next is not None and ("fetch", 0) not in self._queue:
            self._queue.append(("fetch", 0))
            self._pump()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column].sort_key
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(sort_key=("-" if descending else "") + key)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.runs)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Run colour" if section == 0 else column.title
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        run, column = self.runs[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(run)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return QColor(run_color(run.id))
        if role == Qt.ItemDataRole.ForegroundRole and column.title == "Status":
            return QColor(STATUS_COLORS.get(run.status, "#333333"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return run.message or run.notes or None
        if role == Qt.ItemDataRole.UserRole:
            return run.id
        return None
