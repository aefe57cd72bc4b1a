"""Class distribution: one bar per class, its count on top, too-small classes in orange.

Tick labels are elided to the width a bar gets, so long class names never overlap; the full
names and counts are in the tooltip. Bar counts are drawn only while they fit.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QWidget

from app.core.datasets import Dataset

BAR_COLOR = "#0072B2"
SMALL_COLOR = "#D55E00"  # fewer than 2 samples: cannot be split
MIN_SPLITTABLE = 2
_CHAR_PX = 7  # average tick-label character width at the default font
_MAX_VALUE_LABELS = 40


class ClassChart(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.names: tuple[str, ...] = ()
        self.counts: tuple[int, ...] = ()
        self.bars: pg.BarGraphItem | None = None
        self._value_labels: list[pg.TextItem] = []
        self.ticks: list[tuple[int, str]] = []  # the x-axis labels as drawn (elided to fit)
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(y=True, alpha=0.2)
        plot.setLabel("left", "samples")
        self.setMinimumHeight(160)

    def set_dataset(self, dataset: Dataset) -> None:
        counts = dataset.class_counts()
        self.names = dataset.class_names
        self.counts = tuple(counts[name] for name in self.names)
        plot = self.getPlotItem()
        plot.clear()
        self._value_labels = []
        xs = list(range(len(self.counts)))
        brushes = [pg.mkBrush(SMALL_COLOR if n < MIN_SPLITTABLE else BAR_COLOR)
                   for n in self.counts]
        self.bars = pg.BarGraphItem(x=xs, height=list(self.counts), width=0.7, brushes=brushes,
                                    pen=pg.mkPen(None))
        plot.addItem(self.bars)
        if len(self.counts) <= _MAX_VALUE_LABELS:
            font = QFont()
            font.setPointSizeF(8)
            for x, count in zip(xs, self.counts, strict=True):
                label = pg.TextItem(f"{count:,}", color="#333", anchor=(0.5, 1.0))
                label.setFont(font)
                label.setPos(x, count)
                plot.addItem(label)
                self._value_labels.append(label)
        top = max(self.counts, default=1)
        plot.setXRange(-0.6, len(self.counts) - 0.4, padding=0)
        plot.setYRange(0, top * 1.15 + 1, padding=0)
        self.setToolTip("\n".join(
            f"{name}: {count:,}" + ("  (fewer than 2: cannot be split)"
                                   if count < MIN_SPLITTABLE else "")
            for name, count in zip(self.names, self.counts, strict=True)))
        self._update_ticks()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_ticks()

    def _update_ticks(self) -> None:
        if not getattr(self, "names", ()):  # resizeEvent runs inside PlotWidget.__init__
            return
        per_bar = max(self.width() - 60, 100) / len(self.names)
        limit = max(int(per_bar / _CHAR_PX), 2)
        step = 1
        if limit < 3:  # too many classes to label each: label every n-th bar
            step = -(-3 * _CHAR_PX // int(max(per_bar, 1)))
            limit = 3 * step
        self.ticks = [(i, _elide(name, limit)) for i, name in enumerate(self.names)
                      if i % step == 0]
        self.getPlotItem().getAxis("bottom").setTicks([self.ticks, []])


def _elide(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"
