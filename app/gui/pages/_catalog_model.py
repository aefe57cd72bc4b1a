"""The run table's model: pages of ``RunRecord`` fetched from the catalog on demand.

Sorting and filtering happen in SQL (``list_runs(sort=..., **filters)``), so a catalog of
10,000 runs costs one small query per ``CHUNK`` rows the view scrolls to, never a full load.
Rows are frozen records; edits go through the catalog, then the model is refreshed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor

from app.core.catalog import Catalog, RunRecord, parse_timestamp
from app.gui.colors import run_color

CHUNK = 200


@dataclass(frozen=True)
class Column:
    title: str
    sort_key: str | None  # a catalog sort column, or None when not sortable
    text: Callable[[RunRecord], str]
    numeric: bool = False


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def _best(run: RunRecord) -> str:
    if run.best_val_metric is None:
        return ""
    name = (run.best_val_metric_name or "").removeprefix("val_")
    value = _percent(run.best_val_metric) if "acc" in name else f"{run.best_val_metric:.4f}"
    return f"{value} {name}".strip()


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_time(stamp: str | None) -> str:
    return "" if not stamp else parse_timestamp(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


def _dataset(run: RunRecord) -> str:
    path = (run.dataset_path or "").rstrip("/\\")
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _epochs(run: RunRecord) -> str:
    return f"{run.epochs_done}/{run.total_epochs}" if run.total_epochs else str(run.epochs_done)


COLUMNS: tuple[Column, ...] = (
    Column("", "id", lambda run: ""),  # colour swatch
    Column("ID", "id", lambda run: str(run.id), numeric=True),
    Column("Name", "name", lambda run: run.name),
    Column("Status", "status", lambda run: run.status),
    Column("Model", "model", lambda run: run.model),
    Column("Dataset", "dataset_id", _dataset),
    Column("Best val", "best_val_metric", _best, numeric=True),
    Column("Test acc", "test_accuracy", lambda run: _percent(run.test_accuracy), numeric=True),
    Column("Macro F1", "test_macro_f1", lambda run: _percent(run.test_macro_f1), numeric=True),
    Column("Epochs", "epochs_done", _epochs, numeric=True),
    Column("Time", "wall_seconds", lambda run: format_duration(run.wall_seconds), numeric=True),
    Column("Created", "created_at", lambda run: format_time(run.created_at)),
    Column("Tags", None, lambda run: ", ".join(run.tags)),
)
STATUS_COLORS = {"completed": "#009E73", "running": "#0072B2", "stopped": "#E69F00",
                 "failed": "#D55E00", "diverged": "#D55E00", "queued": "#666666"}


class RunTableModel(QAbstractTableModel):
    """Runs matching ``filters`` in ``sort`` order, loaded ``CHUNK`` rows at a time."""

    def __init__(self, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.filters: dict[str, Any] = {}
        self.trashed = False
        self.sort_key = "-created_at"
        self.runs: list[RunRecord] = []
        self.total = 0

    # ------------------------------------------------------------------------- queries
    def query(self, *, catalog: Catalog | None = None, filters: dict[str, Any] | None = None,
              trashed: bool | None = None, sort_key: str | None = None) -> None:
        """Change any of the query's parts and reload from the first chunk."""
        if catalog is not None:
            self.catalog = catalog
        if filters is not None:
            self.filters = dict(filters)
        if trashed is not None:
            self.trashed = trashed
        if sort_key is not None:
            self.sort_key = sort_key
        self.runs = []
        self.refresh()

    def refresh(self) -> None:
        """Reload as many rows as were loaded (at least one chunk), so scrolling stays put."""
        self.beginResetModel()
        self.total = self.catalog.count_runs(trashed=self.trashed, **self.filters)
        self.runs = self._page(0, max(CHUNK, len(self.runs)))
        self.endResetModel()

    def all_runs(self) -> list[RunRecord]:
        """Every run the current query matches (not only the loaded chunks), in table order."""
        return self.catalog.list_runs(trashed=self.trashed, sort=self.sort_key, limit=None,
                                      **self.filters)

    def _page(self, offset: int, limit: int = CHUNK) -> list[RunRecord]:
        return self.catalog.list_runs(trashed=self.trashed, sort=self.sort_key, limit=limit,
                                      offset=offset, **self.filters)

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and len(self.runs) < self.total

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        more = self._page(len(self.runs))
        if not more:
            self.total = len(self.runs)
            return
        self.beginInsertRows(QModelIndex(), len(self.runs), len(self.runs) + len(more) - 1)
        self.runs.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column].sort_key
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.query(sort_key=("-" if descending else "") + key)

    def row_of(self, run_id: int) -> int | None:
        for row, run in enumerate(self.runs):
            if run.id == run_id:
                return row
        return None

    # ---------------------------------------------------------------------- Qt model API
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
