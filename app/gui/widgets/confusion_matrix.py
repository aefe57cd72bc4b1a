"""A confusion matrix heat map with the count in every cell; clicking a cell reports it.

Rows are true classes (top to bottom), columns predicted classes (left to right), as in
``test_metrics["confusion_matrix"]``. Colour shows the share of the row (so a small class's
errors are as visible as a large one's); the text is the raw count.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

MAX_LABELLED = 30  # beyond this many classes, counts are in tooltips only
_LABEL_CHARS = 14


class _CellImage(pg.ImageItem):
    """The heat map; pixel (x, y) is column x, row y. Clicks go to ``on_click(row, col)``."""

    def __init__(self, on_click) -> None:  # noqa: ANN001
        super().__init__(axisOrder="row-major")
        self._on_click = on_click

    def mouseClickEvent(self, event) -> None:  # noqa: ANN001, N802 - pyqtgraph override
        if event.button() != Qt.MouseButton.LeftButton or self.image is None:
            return
        pos = event.pos()
        row, col = int(np.floor(pos.y())), int(np.floor(pos.x()))
        rows, cols = self.image.shape[:2]
        if 0 <= row < rows and 0 <= col < cols:
            event.accept()
            self._on_click(row, col)


class ConfusionMatrixView(pg.PlotWidget):
    """``set_matrix(counts, class_names)``; ``cell_clicked(true_row, predicted_col)``."""

    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.class_names: tuple[str, ...] = ()
        self.selected: tuple[int, int] | None = None
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.invertY(True)
        item.setAspectLocked(False)
        item.setLabel("bottom", "predicted")
        item.setLabel("left", "true")
        self._image = _CellImage(self.click_cell)
        self._image.setColorMap(pg.colormap.get("CET-L12"))  # white → blue
        self.addItem(self._image)
        self._texts: list[pg.TextItem] = []
        self._frame = pg.QtWidgets.QGraphicsRectItem()
        self._frame.setPen(pg.mkPen("#D55E00", width=3))
        self._frame.setVisible(False)
        self.addItem(self._frame)
        self.setMinimumSize(220, 200)

    # ----------------------------------------------------------------------------- API
    def set_matrix(self, counts: Sequence[Sequence[int]], class_names: Sequence[str]) -> None:
        matrix = np.asarray(counts, dtype=np.int64).reshape(len(class_names), len(class_names))
        self.counts, self.class_names = matrix, tuple(class_names)
        self.selected = None
        self._frame.setVisible(False)
        for text in self._texts:
            self.removeItem(text)
        self._texts.clear()
        n = len(class_names)
        totals = matrix.sum(axis=1, keepdims=True).clip(min=1)
        share = matrix / totals
        if n:
            self._image.setImage(share, levels=(0.0, 1.0))
            self._image.setRect(0, 0, n, n)
        else:
            self._image.clear()
        ticks = [(i + 0.5, _short(name)) for i, name in enumerate(class_names)]
        self.getPlotItem().getAxis("bottom").setTicks([ticks])
        self.getPlotItem().getAxis("left").setTicks([ticks])
        if 0 < n <= MAX_LABELLED:
            font = QFont()
            font.setPointSizeF(max(6.5, 11.0 - n / 4))
            for row in range(n):
                for col in range(n):
                    color = "w" if share[row, col] > 0.55 else "#222"
                    text = pg.TextItem(str(matrix[row, col]), color=color, anchor=(0.5, 0.5))
                    text.setFont(font)
                    text.setPos(col + 0.5, row + 0.5)
                    self.addItem(text)
                    self._texts.append(text)
        self.setXRange(0, max(n, 1), padding=0)
        self.setYRange(0, max(n, 1), padding=0)
        self._image.setToolTip("Click a cell to see its test samples")

    def count(self, row: int, col: int) -> int:
        return int(self.counts[row, col])

    def cell_text(self, row: int, col: int) -> str:
        """The count drawn in a cell ('' when the matrix is too large to label)."""
        n = len(self.class_names)
        return self._texts[row * n + col].toPlainText() if self._texts else ""

    def click_cell(self, row: int, col: int) -> None:
        """What a click on a cell does: frame it and emit ``cell_clicked(row, col)``."""
        self.selected = (row, col)
        self._frame.setRect(col, row, 1, 1)
        self._frame.setVisible(True)
        self.cell_clicked.emit(row, col)


def _short(name: str) -> str:
    return name if len(name) <= _LABEL_CHARS else name[: _LABEL_CHARS - 1] + "…"
