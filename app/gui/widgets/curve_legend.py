"""The legend of ``RunCurves``: a list beside the plots, so it never covers a curve.

pyqtgraph's legend is drawn inside the plot area; with ten runs it hid the curves it named.
This list holds one entry per run (its colour, its name elided to the list's width, the full
name on hover) and, when a panel overlays several metrics, a key of their line styles. It
scrolls when the runs do not fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

LEGEND_WIDTH = 190
_KEY_COLOR = "#444444"


def line_icon(color: str, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QIcon:
    """A short line in ``color`` drawn with ``style``: a legend entry's marker."""
    pixmap = QPixmap(28, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    pen = QPen(QColor(color), 2.5, style)
    painter.setPen(pen)
    painter.drawLine(1, 6, 27, 6)
    painter.end()
    return QIcon(pixmap)


class CurveLegend(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(LEGEND_WIDTH)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet("QListWidget { border: none; background: transparent; }")
        self.hide()

    def show_entries(self, runs: Mapping[int, tuple[str, str]],
                     styles: Sequence[tuple[str, Qt.PenStyle]]) -> None:
        """``runs``: ``{run_id: (colour, full label)}`` in order; ``styles``: (metric title,
        pen style) for panels that overlay several metrics. Hidden when there is nothing to
        tell apart (one run, one metric per panel)."""
        self.clear()
        if len(runs) > 1:
            for run_id, (color, label) in runs.items():
                item = QListWidgetItem(line_icon(color), label)
                item.setToolTip(label)
                item.setData(Qt.ItemDataRole.UserRole, run_id)
                self.addItem(item)
        for title, style in styles:
            item = QListWidgetItem(line_icon(_KEY_COLOR, style), title)
            item.setToolTip(f"line style of {title}")
            self.addItem(item)
        self.setVisible(self.count() > 0)

    def labels(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]
