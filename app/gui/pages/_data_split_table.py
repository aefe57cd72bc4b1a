"""Train / val / test counts for each class, as the split panel's settings give them.

The rows come from ``split_by_class`` over the ``Split`` the panel computed with
``split_dataset``, the function training calls, so a class's test column is the number of
its samples a run with these settings is scored on. A class with no validation or test
sample is marked: its score there is not measured at all.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.core.datasets import ClassSplit

WARN = QColor("#B34700")
COLUMNS = ("class", "train", "val", "test")


class ClassSplitTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.setObjectName("classSplitTable")
        self.setHorizontalHeaderLabels([name.capitalize() for name in COLUMNS])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.setMinimumHeight(90)

    def show_rows(self, rows: tuple[ClassSplit, ...]) -> None:
        """One row per class; an empty tuple clears the table (no valid split)."""
        self.setRowCount(len(rows))
        for row, split in enumerate(rows):
            name = QTableWidgetItem(split.name)
            name.setToolTip(f"{split.name}: {split.total:,} samples")
            self.setItem(row, 0, name)
            for column, count in enumerate((split.train, split.val, split.test), start=1):
                item = QTableWidgetItem(f"{count:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column > 1 and count == 0:
                    item.setForeground(QBrush(WARN))
                    item.setToolTip(f"no {COLUMNS[column]} sample of {split.name}")
                self.setItem(row, column, item)

    def counts(self) -> dict[str, tuple[int, int, int]]:
        """What the table shows, per class (tests read it as a person would)."""
        return {self.item(row, 0).text(): tuple(int(self.item(row, c).text().replace(",", ""))
                                               for c in range(1, len(COLUMNS)))
                for row in range(self.rowCount())}
