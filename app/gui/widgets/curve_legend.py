"""The legend of ``RunCurves``: a list beside the plots, so it never covers a curve.

pyqtgraph's legend is drawn inside the plot area; with ten runs it hid the curves it named.
This list holds one entry per run (its colour, its name elided to the list's width, the full
name on hover) and, when a panel overlays several metrics, a key of their line styles (in
their own colours when one run is shown). It scrolls when the runs do not fit. The markers are
long enough (36 px) to show two dashes, so a dashed line never looks solid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

LEGEND_WIDTH = 190
_TEXT_WIDTH = LEGEND_WIDTH - 56  # the marker, margins and a scroll bar
_KEY_COLOR = "#444444"
_FULL = Qt.ItemDataRole.UserRole + 1


def line_icon(color: str, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QIcon:
    """A short line in ``color`` drawn with ``style``: a legend entry's marker."""
    pixmap = QPixmap(36, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    pen = QPen(QColor(color), 2.5, style)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.drawLine(1, 6, 35, 6)
    painter.end()
    return QIcon(pixmap)


class CurveLegend(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(LEGEND_WIDTH)
        self.setWordWrap(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet("QListWidget { border: none; background: transparent; }")
        self.hide()

    def show_entries(self, runs: Mapping[int, tuple[str, str]],
                     styles: Sequence[tuple[str, Qt.PenStyle, str | None]]) -> None:
        """``runs``: ``{run_id: (colour, full label)}`` in order; ``styles``: (metric title,
        pen style, colour or ``None`` for a neutral grey) for panels that overlay several
        metrics. Hidden when there is nothing to tell apart (one run, one metric per panel)."""
        self.clear()
        if len(runs) > 1:
            for color, label in runs.values():
                self._add(line_icon(color), label, label)
        for title, style, color in styles:
            self._add(line_icon(color or _KEY_COLOR, style), title, f"line style of {title}")
        self.setVisible(self.count() > 0)

    def show_lines(self, entries: Sequence[tuple[str, str, Qt.PenStyle]]) -> None:
        """One entry per curve: (label, colour, pen style); for plots of a single run."""
        self.clear()
        for label, color, style in entries:
            self._add(line_icon(color, style), label, label)
        self.setVisible(self.count() > 0)

    def labels(self) -> list[str]:
        """The entries' full texts (shown elided to the list's width)."""
        return [self.item(row).data(_FULL) for row in range(self.count())]

    def _add(self, icon: QIcon, text: str, tip: str) -> None:
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, _TEXT_WIDTH)
        item = QListWidgetItem(icon, shown)
        item.setData(_FULL, text)
        item.setToolTip(tip)
        self.addItem(item)
