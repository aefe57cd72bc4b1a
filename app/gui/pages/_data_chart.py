"""Class distribution: one bar per class, its count on top, too-small classes in orange.

Every class is labelled (labelling every n-th bar left MNIST's odd digits unnamed): the tick
font shrinks, down to ``MIN_TICK_POINTS``, until the widest name fits the width a bar gets,
and names that still do not fit are elided, so they never overlap; the full names and counts
are in the tooltip. Bar counts are drawn only while they fit; everything is
relaid out when the plot area resizes.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QWidget

from app.core.datasets import Dataset

BAR_COLOR = "#0072B2"
SMALL_COLOR = "#D55E00"  # fewer than 2 samples: cannot be split
MIN_SPLITTABLE = 2
_MAX_VALUE_LABELS = 40
MIN_TICK_POINTS = 6.0  # the smallest tick font tried before names are elided


class ClassChart(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.names: tuple[str, ...] = ()
        self.counts: tuple[int, ...] = ()
        self.bars: pg.BarGraphItem | None = None
        self._value_labels: list[pg.TextItem] = []
        self.ticks: list[tuple[int, str]] = []  # the x-axis labels as drawn (elided to fit)
        self.tick_font = QFont(self.font())  # the font they are drawn in
        self._base_points = self.tick_font.pointSizeF()
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(y=True, alpha=0.2)
        plot.setLabel("left", "samples")
        self.setMinimumHeight(130)
        plot.vb.sigResized.connect(lambda _view: self._update_ticks())

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

    def _update_ticks(self) -> None:
        if not getattr(self, "names", ()):  # resizeEvent runs inside PlotWidget.__init__
            return
        axis = self.getPlotItem().getAxis("bottom")
        plot_width = self.getPlotItem().vb.width() or max(self.width() - 60, 100)
        per_bar = plot_width / len(self.names)
        font = QFont(self.tick_font)
        points = self._base_points
        while True:  # the largest font (down to MIN_TICK_POINTS) at which every name fits
            font.setPointSizeF(points)
            metrics = QFontMetrics(font)
            room = int(per_bar) - metrics.horizontalAdvance(" ")
            widest = max(metrics.horizontalAdvance(name) for name in self.names)
            if widest <= room or points <= MIN_TICK_POINTS:
                break
            points = max(points - 0.5, MIN_TICK_POINTS)
        self.ticks = [(i, metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(room, 1))
                       or name[:1]) for i, name in enumerate(self.names)]
        if font != self.tick_font:
            self.tick_font = font
            axis.setStyle(tickFont=font)
        axis.setTicks([self.ticks, []])
        widest = max((label.textItem.boundingRect().width() for label in self._value_labels),
                     default=0)
        for label in self._value_labels:  # counts only while they fit over their bars
            label.setVisible(widest <= per_bar + 2)

