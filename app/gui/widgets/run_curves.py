"""Metric histories of one or more runs as static curves (the catalog and compare pages).

``RunCurves(metric_keys)`` lays out one panel per entry of ``metric_keys``; an entry is a
metric key (``"val_loss"``) or a tuple of keys drawn on one panel (``("train_loss",
"val_loss")``). Each run is drawn in the colour the caller assigned (``assign_colors``: distinct
for 24 runs) or its own ``run_color``; the keys of one panel differ by line style (solid,
dashed, dotted); with a single run they also differ in colour (train blue, validation orange),
so train and validation never look alike. Keys ending in ``_step`` are plotted against the
global step, all others against the epoch. NaN values (a diverged loss) leave gaps. The legend
is a list beside the plots (``CurveLegend``), never over them; hovering near a point shows the
run's full name, the metric and the value (``hover_text``).

Axes are labelled by what they show ("loss", "accuracy (%)", "learning rate") without
pyqtgraph's automatic SI prefix, which printed "loss (x0.001)" for values of 600 and kept a
stale "(x1e+18)" on the next runs. Accuracy is in % as on the Training page; the learning rate
has a log axis (a decay from 1e-3 to 1e-6 looked flat at 0). ``set_log_y`` puts the other
panels on a log axis too, and ``set_robust_range`` (``curve_ranges``) fits the y ranges to the
typical runs so one diverged run does not squash the rest.

Drawing one run's curves and legend entries costs pyqtgraph 10-20 ms, so ``set_runs`` draws
the first run at once and the others one per event-loop turn: comparing ten runs never holds
the window still for long. The data (``curve_data``, ``drawn``) is complete immediately.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QToolTip, QWidget

from app.core.catalog import MetricPoint
from app.gui.colors import run_color, series_color
from app.gui.widgets.curve_legend import CurveLegend
from app.gui.widgets.curve_ranges import robust_y_range

Histories = Mapping[int, Mapping[str, Sequence[MetricPoint]]]
HOVER_PIXELS = 12  # how near (in pixels) the pointer must be to a point to name its run
_STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine,
           Qt.PenStyle.DashDotLine)
_TITLES = {
    "train_loss": "train loss", "val_loss": "validation loss", "train_accuracy": "train accuracy",
    "val_accuracy": "validation accuracy", "train_loss_step": "train loss per step",
    "lr": "learning rate",
}  # fmt: skip
LOG_KEYS = ("lr",)  # always on a log axis: values span orders of magnitude


def is_percent(key: str) -> bool:
    """Accuracy-like keys are logged as fractions and shown in % (as on the Training page)."""
    return "accuracy" in key


def axis_label(keys: Sequence[str]) -> str:
    """The y axis label of a panel drawing ``keys``."""
    if all(is_percent(key) for key in keys):
        return "accuracy (%)"
    if all("loss" in key for key in keys):
        return "loss"
    if all(key == "lr" for key in keys):
        return "learning rate"
    return ""


def metric_title(key: str) -> str:
    """A readable name for a metric key (``val_loss`` → ``validation loss``)."""
    return _TITLES.get(key, key.replace("_", " "))


class RunCurves(QWidget):
    """A grid of plots; ``set_runs`` replaces everything drawn.

    Args:
        metric_keys: one entry per panel, a key or a tuple of keys sharing the panel.
        titles: optional panel titles, one per entry (default: built from the keys).
        columns: panels per row.
    """

    def __init__(self, metric_keys: Sequence[str | Sequence[str]], *,
                 titles: Sequence[str] | None = None, columns: int = 2,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panels: list[tuple[str, ...]] = [
            (entry,) if isinstance(entry, str) else tuple(entry) for entry in metric_keys]
        self.plots: list[pg.PlotWidget] = []
        self._data: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        self._pending: list[list[tuple]] = []  # per run still to draw: its curves' arguments
        self._generation = 0
        self._labels: dict[int, str] = {}
        self.hover_text = ""  # what the pointer's tooltip says ("" when over no point)
        self.log_y = False  # the Compare toggle: loss panels on a log axis too
        self.robust_range = False  # y ranges fit the typical runs, not a diverged one
        self.outside_range: dict[int, list[int]] = {}  # panel: runs left above its range
        self.legend = CurveLegend()
        grid = QWidget()
        layout = QGridLayout(grid)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(grid, 1)
        outer.addWidget(self.legend)
        for number, keys in enumerate(self.panels):
            title = titles[number] if titles else " / ".join(metric_title(k) for k in keys)
            plot = pg.PlotWidget(background="w")
            plot.setTitle(title, color="#333", size="10pt")
            plot.setLabel("bottom", "step" if all(k.endswith("_step") for k in keys)
                          else "epoch")
            plot.setLabel("left", axis_label(keys))
            plot.showGrid(x=True, y=True, alpha=0.2)
            for side in ("left", "bottom"):  # grid lines at major ticks only: the minor
                plot.getAxis(side).setStyle(maxTickLevel=0)  # ones tripled the paint time
                plot.getAxis(side).enableAutoSIPrefix(False)
            plot.setLogMode(y=self._log_panel(keys))
            plot.setMinimumSize(160, 120)
            plot.scene().sigMouseMoved.connect(
                lambda pos, index=number: self._on_mouse_moved(index, pos))
            item = plot.getPlotItem()
            item.setDownsampling(auto=True, mode="peak")
            item.setClipToView(True)
            self.plots.append(plot)
            layout.addWidget(plot, number // columns, number % columns)

    # ----------------------------------------------------------------------------- API
    def set_runs(self, histories: Histories, labels: Mapping[int, str] | None = None,
                 colors: Mapping[int, str] | None = None) -> None:
        """Draw these runs (``{run_id: {key: points}}``); ``labels`` name them in the legend
        and on hover, ``colors`` (``assign_colors``) colour them (default: ``run_color``).

        With one run the legend holds only the line styles of overlaid metrics; with several
        it lists the runs too.
        """
        self.clear()
        several = len(histories) > 1
        self._labels = {run_id: (labels or {}).get(run_id, f"run {run_id}")
                        for run_id in histories}
        shown = {run_id: ((colors or {}).get(run_id) or run_color(run_id), label)
                 for run_id, label in self._labels.items()}
        key_color = None if several else lambda index: series_color(index)
        styles = {metric_title(key): (_STYLES[index % len(_STYLES)],
                                      key_color(index) if key_color else None)
                  for keys in self.panels if len(keys) > 1 for index, key in enumerate(keys)}
        self.legend.show_entries(shown, [(title, style, color)
                                         for title, (style, color) in styles.items()])
        for run_id, history in histories.items():
            run_colour, run_label = shown[run_id]
            curves = []
            for plot, keys in zip(self.plots, self.panels, strict=True):
                for index, key in enumerate(keys):
                    points = history.get(key, ())
                    if not points:
                        continue
                    xs = np.fromiter((p.step for p in points), dtype=float, count=len(points))
                    ys = np.fromiter((p.value for p in points), dtype=float, count=len(points))
                    if is_percent(key):
                        ys = 100 * ys
                    self._data[(run_id, key)] = (xs, ys)
                    if self._log_panel(keys):  # log10 of 0 is -inf: leave a gap instead
                        ys = np.where(ys > 0, ys, np.nan)
                    name = metric_title(key)
                    if several:
                        name = f"{run_label} · {name}" if len(keys) > 1 else run_label
                    color = key_color(index) if key_color and len(keys) > 1 else run_colour
                    pen = pg.mkPen(color=color, width=2, style=_STYLES[index % len(_STYLES)])
                    symbol = "o" if len(points) <= 30 and not key.endswith("_step") else None
                    curves.append((plot, xs, ys, name, pen, symbol, color))
            self._pending.append(curves)
        self._draw_next(self._generation)

    @property
    def drawing(self) -> bool:
        """Runs are still being drawn (one per event-loop turn)."""
        return bool(self._pending)

    def _draw_next(self, generation: int) -> None:
        if generation != self._generation:
            return  # replaced by a newer set_runs or clear
        if self._pending:
            for plot, xs, ys, name, pen, symbol, color in self._pending.pop(0):
                plot.plot(xs, ys, name=name, pen=pen, connect="finite", symbol=symbol,
                          symbolSize=5, symbolBrush=color, symbolPen=color)
        if self._pending:  # 1 ms, not 0: the event loop paints and serves others in between
            # the widget as context: a timer outliving a closed page never calls into it
            QTimer.singleShot(1, self, lambda: self._draw_next(generation))
        else:
            self._fit_ranges()

    # ------------------------------------------------------------------------- axes
    def _log_panel(self, keys: Sequence[str]) -> bool:
        return all(key in LOG_KEYS for key in keys) or (
            self.log_y and not any(is_percent(key) for key in keys))

    def set_log_y(self, enabled: bool) -> None:
        """Loss panels (not accuracy, a bounded %) on a log y axis; the learning rate always."""
        self.log_y = enabled
        for plot, keys in zip(self.plots, self.panels, strict=True):
            plot.setLogMode(y=self._log_panel(keys))
        if not self._pending:
            self._fit_ranges()

    def set_robust_range(self, enabled: bool) -> None:
        """Fit each panel's y range to the typical runs (``robust_y_range``) or to all."""
        self.robust_range = enabled
        if not self._pending:
            self._fit_ranges()

    def _fit_ranges(self) -> None:
        self.outside_range = {}
        for number, (plot, keys) in enumerate(zip(self.plots, self.panels, strict=True)):
            plot.enableAutoRange()
            if not self.robust_range:
                continue
            values: dict[int, list[np.ndarray]] = {}
            for (run_id, key), (_xs, ys) in self._data.items():
                if key in keys:
                    values.setdefault(run_id, []).append(ys)
            log = self._log_panel(keys)
            span, outliers = robust_y_range(
                {run_id: np.concatenate(parts) for run_id, parts in values.items()}, log=log)
            if span is None or not outliers:
                continue  # nothing to leave out: the auto range is already right
            low, high = (np.log10(span[0]), np.log10(span[1])) if log else span
            plot.setYRange(low, high, padding=0.05)
            self.outside_range[number] = outliers

    def clear(self) -> None:
        self._generation += 1
        self._pending = []
        self._data.clear()
        self.hover_text = ""
        self.legend.show_entries({}, [])
        for plot in self.plots:
            plot.clear()

    def describe_point(self, panel: int, scene_pos: QPointF) -> str:
        """The run (full name), metric and value of the drawn point nearest ``scene_pos`` on
        panel ``panel``, if one lies within ``HOVER_PIXELS``; else ""."""
        view = self.plots[panel].getPlotItem().vb
        if not view.sceneBoundingRect().contains(scene_pos):
            return ""
        at = view.mapSceneToView(scene_pos)
        log = self._log_panel(self.panels[panel])
        width, height = view.viewPixelSize()
        if not width or not height:
            return ""
        nearest: tuple[float, str] | None = None
        for (run_id, key), (xs, ys) in self._data.items():
            if key not in self.panels[panel] or not len(xs):
                continue
            shown = np.log10(np.where(ys > 0, ys, np.nan)) if log else ys
            pixels = np.hypot((xs - at.x()) / width, (shown - at.y()) / height)
            index = int(np.nanargmin(pixels)) if np.isfinite(pixels).any() else -1
            if index >= 0 and pixels[index] <= HOVER_PIXELS and (
                    nearest is None or pixels[index] < nearest[0]):
                axis = "step" if key.endswith("_step") else "epoch"
                unit = " %" if is_percent(key) else ""
                text = (f"{self._labels.get(run_id, f'run {run_id}')}\n{metric_title(key)}: "
                        f"{ys[index]:.4g}{unit} at {axis} {xs[index]:g}")
                nearest = (float(pixels[index]), text)
        return nearest[1] if nearest else ""

    def _on_mouse_moved(self, panel: int, scene_pos: QPointF) -> None:
        text = self.describe_point(panel, scene_pos)
        if text == self.hover_text:
            return
        self.hover_text = text
        plot = self.plots[panel]
        if text:
            where = plot.mapToGlobal(plot.mapFromScene(scene_pos))
            QToolTip.showText(where, text, plot)
        else:
            QToolTip.hideText()

    def curve_data(self, run_id: int, key: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The (x, y) arrays drawn for one run's metric (accuracy in %), or ``None``."""
        return self._data.get((run_id, key))

    def drawn(self) -> list[tuple[int, str]]:
        """Every (run id, key) pair that has a curve, in drawing order."""
        return list(self._data)
