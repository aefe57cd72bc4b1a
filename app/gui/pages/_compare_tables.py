"""The Compare page's tables: metrics (best value marked) and the parameters that differ.

Both show a :class:`~app.core.catalog.Comparison` read-only; columns are runs, headed by the
run's label in its colour, so a column matches its curve at a glance.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Comparison, MetricRow, RunRecord
from app.gui.colors import run_color
from app.gui.pages._compare_picker import color_swatch, run_label

BEST_BACKGROUND = "#D9F0E3"  # pale bluish green; the value is also bold and starred
MAX_COLUMN = 170  # px; longer run names are elided (the tooltip has them in full)
HIDDEN_PARAMS = frozenset({"name"})  # the run name already heads each column
_PERCENT_WORDS = ("accuracy", "acc", "f1", "precision", "recall", "auc")


def format_metric(name: str, value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if name.endswith("seconds"):
        return f"{value:.1f} s"
    if any(word in name for word in _PERCENT_WORDS) and 0.0 <= value <= 1.0:
        return f"{value:.2%}"
    if float(value).is_integer() and abs(value) < 1e9:
        return f"{int(value)}"
    return f"{value:.4g}"


def format_param(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if name.endswith("fingerprint") and isinstance(value, str):
        return value[:12]
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


class _RunTable(QTableWidget):
    """Read-only table with one column per run, headers in run colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: Mapping[int, str] = {}  # the comparison's colours (assign_colors)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        columns = self.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        columns.setTextElideMode(Qt.TextElideMode.ElideRight)
        columns.setStretchLastSection(False)

    def set_run_columns(self, runs: Sequence[RunRecord]) -> None:
        self.setColumnCount(len(runs))
        for column, run in enumerate(runs):
            color = self.colors.get(run.id) or run_color(run.id)
            header = QTableWidgetItem(color_swatch(color), run_label(run))
            header.setForeground(QBrush(QColor(color)))
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            header.setToolTip(f"{run_label(run)} — {run.model}")
            self.setHorizontalHeaderItem(column, header)

    def fit_columns(self) -> None:
        self.resizeColumnsToContents()
        for column in range(self.columnCount()):
            self.setColumnWidth(column, min(max(self.columnWidth(column), 90), MAX_COLUMN))


class MetricsTable(_RunTable):
    """Rows = ``Comparison.metric_table``; the best value per row is bold, starred, tinted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row_names: list[str] = []  # the core's metric names, one per row

    def show_comparison(self, comparison: Comparison,
                        colors: Mapping[int, str] | None = None) -> None:
        self.colors = dict(colors or {})
        self.clearContents()
        rows = comparison.metric_table
        self.set_run_columns(comparison.runs)
        self.setRowCount(len(rows))
        self.row_names = [row.name for row in rows]
        self.setVerticalHeaderLabels([row.name.replace("_", " ") for row in rows])
        for r, row in enumerate(rows):
            for c, value in enumerate(row.values):
                self.setItem(r, c, self._cell(row, c, value))
        self.fit_columns()

    def best_columns(self) -> dict[str, int | None]:
        """Metric name → column shown as best (what the highlight says; for tests too)."""
        best: dict[str, int | None] = {}
        for r, name in enumerate(self.row_names):
            best[name] = next((c for c in range(self.columnCount())
                               if self.item(r, c) is not None
                               and self.item(r, c).font().bold()), None)
        return best

    @staticmethod
    def _cell(row: MetricRow, column: int, value: float | None) -> QTableWidgetItem:
        text = format_metric(row.name, value)
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if value is not None:
            item.setToolTip(repr(value))
        if row.best_index == column:
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)
            item.setText(f"★ {text}")
            item.setBackground(QBrush(QColor(BEST_BACKGROUND)))
            item.setForeground(QBrush(QColor("#000000")))
            direction = "higher" if row.higher_is_better else "lower"
            item.setToolTip(f"best ({direction} is better): {value!r}")
        return item


class ParamDiffView(QWidget):
    """Only the parameters that differ (config keys and the dataset fingerprint)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = _RunTable()
        self.same_label = QLabel()
        self.same_label.setWordWrap(True)
        self.same_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.same_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def show_comparison(self, comparison: Comparison,
                        colors: Mapping[int, str] | None = None) -> None:
        self.table.colors = dict(colors or {})
        diff = {key: values for key, values in comparison.param_diff.items()
                if key not in HIDDEN_PARAMS}
        if not diff:
            self.same_label.setText(
                "No differences: these runs share every parameter and the same dataset.")
            self.stack.setCurrentWidget(self.same_label)
            return
        table = self.table
        table.clearContents()
        table.set_run_columns(comparison.runs)
        table.setRowCount(len(diff))
        table.setVerticalHeaderLabels(list(diff))
        for r, (key, values) in enumerate(diff.items()):
            for c, value in enumerate(values):
                item = QTableWidgetItem(format_param(key, value))
                item.setToolTip(str(value))
                table.setItem(r, c, item)
        table.fit_columns()
        self.stack.setCurrentWidget(table)

    def shown_params(self) -> list[str]:
        if self.stack.currentWidget() is not self.table:
            return []
        return [self.table.verticalHeaderItem(r).text() for r in range(self.table.rowCount())]
