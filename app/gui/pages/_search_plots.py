"""The Search view's plots, drawn from one ``search_summary``: the best value so far over the
trials, the parameter importances (Optuna's evaluators, computed in the core) and a slice
plot of the metric against one parameter at a time (Optuna's ``plot_slice``, in pyqtgraph).

A whole summary is redrawn each time: a search has tens or hundreds of trials, not the
millions of points a training curve has, so nothing here needs the live plots' buffers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.gui.colors import OKABE_ITO

POINT, BEST, PRUNED_POINT = OKABE_ITO[0], OKABE_ITO[5], "#999999"


def _plot(title: str, bottom: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(title=title, background="w")
    plot.setLabel("bottom", bottom)
    plot.setLabel("left", left)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMouseEnabled(x=False, y=False)
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)  # 0.975, not 975 (x0.001)
    plot.setMinimumHeight(170)
    return plot


class SearchPlots(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metric = "metric"
        self.best_values: list[float] = []  # the best-so-far series as drawn, trial by trial
        self.best_plot = _plot("Best so far", "trial", "metric")
        self.trial_points = pg.ScatterPlotItem(size=7, brush=POINT, pen=None)
        self.best_curve = pg.PlotDataItem(pen=pg.mkPen(BEST, width=2), stepMode=None)
        self.best_plot.addItem(self.trial_points)
        self.best_plot.addItem(self.best_curve)
        self.importance_plot = _plot("Parameter importance", "importance", "")
        self.importance_bars: pg.BarGraphItem | None = None
        self.importance_names: list[str] = []
        self.importance_note = QLabel()
        self.importance_note.setStyleSheet("color: #666;")
        self.importance_note.setWordWrap(True)
        self.slice_choice = QComboBox()
        self.slice_choice.setObjectName("sliceParameter")
        self.slice_choice.currentTextChanged.connect(lambda _name: self._draw_slice())
        self.slice_plot = _plot("Slice", "value", "metric")
        self.slice_points = pg.ScatterPlotItem(size=8, brush=POINT, pen=None)
        self.slice_plot.addItem(self.slice_points)
        importance = QVBoxLayout()
        importance.addWidget(self.importance_plot, 1)
        importance.addWidget(self.importance_note)
        slice_head = QHBoxLayout()
        slice_head.addWidget(QLabel("Slice of:"))
        slice_head.addWidget(self.slice_choice, 1)
        slice_box = QVBoxLayout()
        slice_box.addLayout(slice_head)
        slice_box.addWidget(self.slice_plot, 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.best_plot, 0, 0)
        grid.addLayout(importance, 0, 1)
        grid.addLayout(slice_box, 1, 0, 1, 2)
        self._trials: list[Mapping[str, Any]] = []
        self._space: Mapping[str, Any] = {}

    # ----------------------------------------------------------------------------- API
    def show_summary(self, summary: Mapping[str, Any]) -> None:
        study = summary["study"]
        self.metric = str(study.get("metric") or "metric")
        self._trials, self._space = list(summary["trials"]), dict(study.get("space") or {})
        self._draw_best(summary)
        self._draw_importances(summary["importances"])
        searched = list(self._space) or sorted({k for t in self._trials for k in t["params"]})
        ranked = [n for n in summary["importances"].get("values") or {} if n in searched]
        names = ranked + [n for n in searched if n not in ranked]  # the most important first
        current = self.slice_choice.currentText()
        self.slice_choice.blockSignals(True)
        self.slice_choice.clear()
        self.slice_choice.addItems(names)
        if current in names:
            self.slice_choice.setCurrentText(current)
        self.slice_choice.blockSignals(False)
        self._draw_slice()

    # --------------------------------------------------------------------------- drawing
    def _draw_best(self, summary: Mapping[str, Any]) -> None:
        done = [t for t in self._trials if t["value"] is not None]
        self.trial_points.setData([t["trial"] for t in done], [t["value"] for t in done])
        series = summary["best_so_far"]
        xs, ys = [], []
        for point, after in zip(series, [*series[1:], None], strict=False):
            end = after["trial"] if after is not None else max(t["trial"] for t in self._trials)
            xs += [point["trial"], end]  # a step: the best holds until a trial beats it
            ys += [point["best"], point["best"]]
        self.best_curve.setData(xs, ys)
        self.best_values = [p["best"] for p in series]
        self.best_plot.setLabel("left", self.metric)

    def _draw_importances(self, importances: Mapping[str, Any]) -> None:
        values = dict(importances.get("values") or {})
        if self.importance_bars is not None:
            self.importance_plot.removeItem(self.importance_bars)
            self.importance_bars = None
        self.importance_names = list(values)
        names = list(reversed(self.importance_names))  # the most important on top
        if names:
            self.importance_bars = pg.BarGraphItem(
                x0=0, y=np.arange(len(names)), height=0.6,
                width=[values[n] for n in names], brush=POINT)
            self.importance_plot.addItem(self.importance_bars)
        self.importance_plot.getAxis("left").setTicks([list(enumerate(names))])
        self.importance_note.setText(
            importances.get("note", "") or (f"by {importances['evaluator']}"
                                            if names and "evaluator" in importances else ""))

    def _draw_slice(self) -> None:
        name = self.slice_choice.currentText()
        dim = self._space.get(name)
        rows = [t for t in self._trials if t["value"] is not None and name in t["params"]]
        axis = self.slice_plot.getAxis("bottom")
        log = isinstance(dim, Mapping) and bool(dim.get("log"))
        self.slice_plot.setLogMode(x=log, y=False)
        values = [t["params"][name] for t in rows]
        if values and not all(_is_number(v) for v in values):  # choices: one column each
            labels = list(dict.fromkeys(str(v) for v in (dim if isinstance(dim, list)
                                                          else values)))
            xs = [labels.index(str(v)) if str(v) in labels else -1 for v in values]
            axis.setTicks([list(enumerate(labels))])
        else:
            xs = [math.log10(v) if log and v > 0 else v for v in values]
            axis.setTicks(None)
        self.slice_points.setData(xs, [t["value"] for t in rows])
        self.slice_plot.setTitle(f"Slice: {self.metric} by {name}" if name else "Slice")
        self.slice_plot.setLabel("bottom", name)
        self.slice_plot.setLabel("left", self.metric)

    def slice_data(self) -> tuple[list[float], list[float]]:
        """The slice plot's points as drawn (x already on the log scale when the range is)."""
        xs, ys = self.slice_points.getData()
        return list(map(float, xs)), list(map(float, ys))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
