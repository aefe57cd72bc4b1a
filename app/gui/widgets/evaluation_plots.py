"""ROC, precision-recall and reliability plots of one run's ``Evaluation``, legend beside.

``draw(evaluation, class_name)`` draws one class against the rest (``class_name``) or every
class overlaid (``None``: "all classes", for ten MNIST digits too, in 24 distinct colours).
ROC has the chance diagonal, precision-recall the class's prevalence (a random scorer's
precision; in the overlay the mean prevalence), the reliability diagram one bar per confidence
bin (its accuracy), the bin's sample count above it, its mean confidence as a point and the
diagonal a calibrated model would follow. Axes are fractions 0–1 with no SI prefix; the legend
is a list beside the plots (``CurveLegend``), never over them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from app.core.analysis import Calibration, ClassCurves, Evaluation
from app.gui.colors import PALETTE
from app.gui.widgets.curve_legend import CurveLegend

GUIDE = "#777777"
CHANCE, BASELINE, CALIBRATED = Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine
_BAR, _BAR_EDGE = "#9ecae1", "#4a90c2"
BIN_ENTRY = "bins (count above)"
RELIABILITY = "Reliability"


def class_color(index: int) -> str:
    """The colour of the index-th class: distinct for 24 classes."""
    return PALETTE[index % len(PALETTE)]


def _plot(title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setTitle(title, color="#333", size="10pt")
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    plot.showGrid(x=True, y=True, alpha=0.2)
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)
        plot.getAxis(side).setStyle(maxTickLevel=0)
    plot.setMinimumSize(200, 160)
    plot.setMouseEnabled(x=False, y=False)
    return plot


class EvaluationPlots(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roc = _plot("ROC (one class vs the rest)", "false positive rate",
                         "true positive rate")
        self.pr = _plot("Precision–recall", "recall", "precision")
        self.reliability = _plot(RELIABILITY,
                                 "confidence (probability of the predicted class)",
                                 "accuracy in the bin")
        self.reliability.setToolTip(
            "Bars: how often the predictions in each confidence bin were right; the number "
            "above a bar: its test samples; the dot: the bin's mean confidence. A calibrated "
            "model's bars reach the diagonal.")
        self.legend = CurveLegend()
        self.drawn: dict[str, list[str]] = {}  # plot name → names of the curves on it
        self.bin_labels: list[str] = []  # the counts written above the reliability bars
        self.grid = grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.roc, 0, 0)
        grid.addWidget(self.pr, 0, 1)
        grid.addWidget(self.reliability, 1, 0)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid, 1)
        layout.addWidget(self.legend)

    def set_corner(self, widget: QWidget) -> None:
        """Put ``widget`` (the tab's table of areas) beside the reliability diagram."""
        self.grid.addWidget(widget, 1, 1)

    def clear(self) -> None:
        for plot in (self.roc, self.pr, self.reliability):
            plot.clear()
        self.reliability.setTitle(RELIABILITY, color="#333", size="10pt")
        self.drawn = {"roc": [], "pr": [], "reliability": []}
        self.bin_labels = []
        self.legend.show_lines([])

    def draw(self, evaluation: Evaluation, class_name: str | None = None) -> None:
        """Draw ``class_name`` against the rest, or every class when ``None``."""
        self.clear()
        classes = evaluation.curves.classes
        chosen = [(i, c) for i, c in enumerate(classes) if class_name in (None, c.name)]
        entries = []
        for index, curves in chosen:
            color = class_color(index)
            self._draw_class(curves, color)
            entries.append((curves.name, color, Qt.PenStyle.SolidLine))
        self._line("roc", [0, 1], [0, 1], CHANCE, "chance")
        prevalences = [c.prevalence for _, c in chosen if c.pr is not None]
        if prevalences:
            level = float(np.mean(prevalences))
            self._line("pr", [0, 1], [level, level], BASELINE, "prevalence")
        self._draw_calibration(evaluation.calibration)
        entries += [("chance (ROC)", GUIDE, CHANCE),
                    ("prevalence (PR)" if class_name else "mean prevalence (PR)", GUIDE,
                     BASELINE),
                    ("perfectly calibrated", GUIDE, CALIBRATED),
                    (BIN_ENTRY, _BAR_EDGE, Qt.PenStyle.SolidLine)]
        self.legend.show_lines(entries)
        for plot in (self.roc, self.pr, self.reliability):
            plot.setXRange(-0.02, 1.02, padding=0)
            plot.setYRange(-0.02, 1.25 if plot is self.reliability else 1.02, padding=0)

    def _draw_class(self, curves: ClassCurves, color: str) -> None:
        pen = pg.mkPen(color=color, width=2)
        if curves.roc is not None:
            self.roc.plot(curves.roc.x, curves.roc.y, pen=pen, name=curves.name)
            self.drawn["roc"].append(curves.name)
        if curves.pr is not None:
            self.pr.plot(curves.pr.x, curves.pr.y, pen=pen, name=curves.name)
            self.drawn["pr"].append(curves.name)

    def _line(self, panel: str, xs: list[float], ys: list[float], style: Qt.PenStyle,
              name: str) -> None:
        """A grey guide line (chance, prevalence, calibrated) on the ``panel`` plot."""
        plot = {"roc": self.roc, "pr": self.pr, "reliability": self.reliability}[panel]
        plot.plot(xs, ys, pen=pg.mkPen(color=GUIDE, width=1.5, style=style))
        self.drawn[panel].append(name)

    def _draw_calibration(self, calibration: Calibration) -> None:
        plot = self.reliability
        filled = [b for b in calibration.bins if b.count]
        if filled:
            centres = [(b.lower + b.upper) / 2 for b in filled]
            width = (filled[0].upper - filled[0].lower) * 0.9
            plot.addItem(pg.BarGraphItem(x=centres, height=[b.accuracy for b in filled],
                                         width=width, brush=_BAR, pen=pg.mkPen(_BAR_EDGE)))
            plot.plot([b.mean_confidence for b in filled], [b.accuracy for b in filled],
                      pen=None, symbol="o", symbolSize=6, symbolBrush="#08519c",
                      symbolPen="#08519c")
            self.drawn["reliability"] += ["accuracy per bin", "mean confidence per bin"]
            for centre, b in zip(centres, filled, strict=True):
                label = pg.TextItem(str(b.count), color="#333", anchor=(0.5, 1.0))
                label.setPos(centre, b.accuracy)
                plot.addItem(label)
                self.bin_labels.append(str(b.count))
        self._line("reliability", [0, 1], [0, 1], CALIBRATED, "perfectly calibrated")
        if calibration.ece is not None:
            plot.setTitle(f"Reliability: ECE {calibration.ece:.3f} · MCE {calibration.mce:.3f}",
                          color="#333", size="10pt")
