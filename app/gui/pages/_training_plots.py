"""The two live plots of the Training page: loss and accuracy.

Events only append to the plots' buffers; each ``LivePlot`` repaints on its own 50 ms timer,
so a flood of steps costs at most ~20 redraws a second. The x axis is in epochs for both plots
(a step at 40 % of epoch 3 sits at x = 2.4), so per-epoch validation points line up with the
per-step training curve. Each plot's legend is a list beside it, never over the curves;
validation is dashed as well as orange.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from app.core.engine import EpochEnd, StepEnd
from app.core.runs import STEP_LOSS
from app.gui.colors import series_color
from app.gui.plots import LivePlot
from app.gui.widgets.curve_legend import CurveLegend

TRAIN_RAW, TRAIN_SMOOTH, VAL_LOSS = "train (per step)", "train (smoothed)", "validation"
TRAIN_ACC, VAL_ACC = "train", "validation"
SMOOTHING = 0.8  # weight of the past in the exponential moving average (TensorBoard's 0.6–0.9)
RAW_COLOR = "#A6CDEB"  # a light tint of the train colour: the raw curve is context, not signal


class ExponentialSmoother:
    """Debiased exponential moving average, so the first points are not pulled towards 0."""

    def __init__(self, weight: float = SMOOTHING) -> None:
        self.weight = weight
        self.reset()

    def reset(self) -> None:
        self._average = 0.0
        self._count = 0

    def __call__(self, value: float) -> float:
        self._average = self.weight * self._average + (1 - self.weight) * value
        self._count += 1
        return self._average / (1 - self.weight ** self._count)


class TrainingPlots(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        train, val = series_color(0), series_color(1)
        self.loss = LivePlot("Loss", "epoch", "loss")
        self.loss.add_curve(TRAIN_RAW, RAW_COLOR, width=1.0)
        self.loss.add_curve(TRAIN_SMOOTH, train, width=2.0)
        self.loss.add_curve(VAL_LOSS, val, width=2.0, dashed=True, symbol="o")
        self.accuracy = LivePlot("Accuracy", "epoch", "accuracy (%)")
        self.accuracy.add_curve(TRAIN_ACC, train, width=2.0, symbol="o")
        self.accuracy.add_curve(VAL_ACC, val, width=2.0, dashed=True, symbol="o")
        self.accuracy.setYRange(0, 100, padding=0.02)
        self.accuracy.enableAutoRange(axis="y", enable=False)
        self.accuracy.setXLink(self.loss)  # one epoch axis for both plots
        self._smooth = ExponentialSmoother()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        self.legends: list[CurveLegend] = []
        for plot in (self.loss, self.accuracy):
            legend = CurveLegend()
            legend.show_lines(plot.legend_entries())
            self.legends.append(legend)
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(plot, 1)
            row_layout.addWidget(legend)
            splitter.addWidget(row)
        splitter.setSizes([3, 2])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def clear(self, total_epochs: int | None = None) -> None:
        """A new run starts: empty every curve (repainted at once, the only direct redraw).

        With ``total_epochs`` the shared x axis spans the whole run from the start, so the
        plots fill in from left to right instead of rescaling on every redraw.
        """
        self._smooth.reset()
        self.loss.clear_curves()
        self.accuracy.clear_curves()
        if total_epochs:
            self.loss.setXRange(0, total_epochs, padding=0.02)

    def add_steps(self, steps: list[StepEnd]) -> None:
        for step in steps:
            if not math.isfinite(step.loss):
                continue
            x = step.epoch - 1 + step.step / max(step.steps_per_epoch, 1)
            self.loss.append(TRAIN_RAW, x, step.loss)
            self.loss.append(TRAIN_SMOOTH, x, self._smooth(step.loss))

    def add_epoch(self, event: EpochEnd) -> None:
        self.loss.append(VAL_LOSS, event.epoch, event.val_loss)
        self.accuracy.append(TRAIN_ACC, event.epoch, 100 * event.train_accuracy)
        if event.val_accuracy is not None:
            self.accuracy.append(VAL_ACC, event.epoch, 100 * event.val_accuracy)

    def add_history(self, history: Mapping[str, Sequence[Any]], steps_per_epoch: int,
                    up_to_epoch: int) -> None:
        """Draw what a resumed run logged before its checkpoint (catalog metric points)."""
        for point in history.get(STEP_LOSS, ()):
            if point.epoch is not None and point.epoch <= up_to_epoch and \
                    math.isfinite(point.value):
                x = point.step / max(steps_per_epoch, 1)
                self.loss.append(TRAIN_RAW, x, point.value)
                self.loss.append(TRAIN_SMOOTH, x, self._smooth(point.value))
        for key, plot, curve, scale in (("val_loss", self.loss, VAL_LOSS, 1),
                                        ("train_accuracy", self.accuracy, TRAIN_ACC, 100),
                                        ("val_accuracy", self.accuracy, VAL_ACC, 100)):
            for point in history.get(key, ()):
                if point.step <= up_to_epoch:
                    plot.append(curve, point.step, scale * point.value)

    @property
    def redraws(self) -> int:
        return self.loss.redraws + self.accuracy.redraws
