"""The run detail's Test metrics tab: headline numbers and a per-class table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

HEADLINE = (("accuracy", "Accuracy"), ("macro_precision", "Macro precision"),
            ("macro_recall", "Macro recall"), ("macro_f1", "Macro F1"),
            ("roc_auc_macro", "ROC AUC (macro)"))
PER_CLASS = (("class", "Class"), ("precision", "Precision"), ("recall", "Recall"),
             ("f1", "F1"), ("support", "Support"), ("roc_auc", "ROC AUC"))


def _number(value: Any, percent: bool = False) -> str:
    if value is None or isinstance(value, str):
        return "—" if value is None else value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return f"{100 * value:.1f}%" if percent else f"{value:.3f}"


class MetricsTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty = QLabel("This run has no test metrics (it did not complete).")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        for column, (key, title) in enumerate(HEADLINE):
            name = QLabel(title)
            name.setStyleSheet("color: #666;")
            value = QLabel("—")
            value.setStyleSheet("font-size: 16pt; font-weight: 600;")
            grid.addWidget(name, 0, column)
            grid.addWidget(value, 1, column)
            self.values[key] = value
        self.table = QTableWidget(0, len(PER_CLASS))
        self.table.setHorizontalHeaderLabels([title for _, title in PER_CLASS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.samples = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addLayout(grid)
        layout.addWidget(self.samples)
        layout.addWidget(self.table, 1)

    def show_metrics(self, metrics: Mapping[str, Any] | None) -> None:
        has = bool(metrics) and metrics.get("accuracy") is not None
        self.empty.setVisible(not has)
        self.table.setVisible(has)
        metrics = metrics or {}
        for key, label in self.values.items():
            label.setText(_number(metrics.get(key), percent=True) if has else "—")
        self.samples.setText(f"{metrics.get('samples', 0)} test samples, loss "
                             f"{_number(metrics.get('loss'))}" if has else "")
        rows = list(metrics.get("per_class") or ()) if has else []
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for row, entry in enumerate(rows):
            for column, (key, _title) in enumerate(PER_CLASS):
                value = entry.get(key)
                item = QTableWidgetItem(_number(value))
                if isinstance(value, int | float) and not isinstance(value, bool):
                    item.setData(Qt.ItemDataRole.DisplayRole, value if key == "support"
                                 else round(float(value), 3))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)  # class order, as in the matrix
