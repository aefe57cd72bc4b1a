"""The table of likely mislabeled samples: thumbnail or text, given and suggested label, score,
and the change the next run will carry for it.

Rows are a check's ``LabelIssue``s, most suspicious first; the "Next run" column reads the
catalog's label changes (``set_changes``), so excluding or relabelling a sample shows at
once. Thumbnails decode on the thread pool, only for rows the view shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from app.core.catalog import LabelChange
from app.core.datasets import Dataset
from app.core.labels import LabelIssue
from app.gui.widgets.sample_grid import LazyThumbnails

COLUMNS = ("Sample", "Given", "Suggested", "Score", "Next run")
TEXT_LIMIT = 120


def change_text(change: LabelChange | None) -> str:
    if change is None:
        return ""
    return "excluded" if change.excluded else f"labelled {change.new_label}"


class IssuesModel(LazyThumbnails, QAbstractTableModel):
    """``LabelIssue`` rows; the sample column holds a thumbnail (images) or the text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.issues: list[LabelIssue] = []
        self._dataset: Dataset | None = None
        self._changes: dict[str, LabelChange] = {}
        self.reset_thumbnails()

    def set_issues(self, dataset: Dataset | None, issues: Sequence[LabelIssue]) -> None:
        self.beginResetModel()
        self._dataset, self.issues = dataset, list(issues)
        self.reset_thumbnails()
        self.endResetModel()

    def set_changes(self, changes: Mapping[str, LabelChange]) -> None:
        self._changes = dict(changes)
        if self.issues:
            last = len(self.issues) - 1
            self.dataChanged.emit(self.index(0, 4), self.index(last, 4))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.issues)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        issue, column = self.issues[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(issue, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._text(issue)
            return f"{issue.sample_id}\n{text}" if text else issue.sample_id
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            path = self._image(issue)
            return self.thumbnail(index.row(), path) if path is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, issue: LabelIssue, column: int) -> str:
        if column == 0:
            text = self._text(issue)
            if not text:
                return issue.sample_id
            return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 1] + "…"
        if column == 1:
            return issue.given
        if column == 2:
            return f"{issue.suggested} ({100 * issue.confidence:.0f}%)"
        if column == 3:
            return f"{issue.score:.3f}"
        return change_text(self._changes.get(issue.sample_id))

    def _text(self, issue: LabelIssue) -> str:
        texts = self._dataset.texts if self._dataset is not None else None
        return texts[issue.index] if texts is not None and issue.index < len(texts) else ""

    def _image(self, issue: LabelIssue) -> Path | None:
        files = self._dataset.files if self._dataset is not None else None
        return files[issue.index] if files is not None and issue.index < len(files) else None

    def thumbnail_ready(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, 0),
                              [Qt.ItemDataRole.DecorationRole])
