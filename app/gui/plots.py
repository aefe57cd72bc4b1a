"""Live plots: growing buffers redrawn on a timer, never per event.

pyqtgraph's scrolling-plot habit: a preallocated array that doubles when full, ``setData`` on
the filled part, peak downsampling and clip-to-view so a million points redraw in a frame.
The legend is not drawn inside the plot (it covered the curves): ``legend_entries`` lists the
curves for a ``CurveLegend`` beside it. Axes carry no automatic SI prefix ("loss (x0.001)").
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

REDRAW_MS = 50  # at most ~20 redraws a second however fast events come
#: Above this many points a curve is clipped and peak-decimated here, before ``setData``:
#: pyqtgraph scans every point it is given (finite checks, bounds) on each ``setData``, which
#: alone costs ~10 ms at a million points; two points per pixel column look the same.
DECIMATE_ABOVE = 4096


class CurveBuffer:
    """Append-only (x, y) storage with amortised O(1) appends."""

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity, dtype=np.float64)
        self._y = np.empty(capacity, dtype=np.float64)
        self.size = 0
        self.increasing = True  # x never decreased: clipping to the view can bisect

    def append(self, x: float, y: float) -> None:
        if self.size == len(self._x):
            self._x = np.resize(self._x, max(2 * self.size, 16))
            self._y = np.resize(self._y, max(2 * self.size, 16))
        if self.size and x < self._x[self.size - 1]:
            self.increasing = False
        self._x[self.size], self._y[self.size] = x, y
        self.size += 1

    def extend(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Vectorised: a million points are one copy, not a million Python calls."""
        xs = np.asarray(xs, dtype=np.float64).ravel()
        ys = np.asarray(ys, dtype=np.float64).ravel()
        if len(xs) != len(ys):
            raise ValueError(f"x and y differ in length ({len(xs)} != {len(ys)})")
        if len(xs) and self.increasing:
            previous = self._x[self.size - 1: self.size] if self.size else xs[:0]
            self.increasing = bool(np.all(np.diff(np.concatenate([previous, xs])) >= 0))
        end = self.size + len(xs)
        if end > len(self._x):
            capacity = max(end, 2 * len(self._x))
            self._x = np.resize(self._x, capacity)
            self._y = np.resize(self._y, capacity)
        self._x[self.size:end], self._y[self.size:end] = xs, ys
        self.size = end

    def clear(self) -> None:
        self.size = 0
        self.increasing = True

    @property
    def x(self) -> np.ndarray:
        return self._x[: self.size]

    @property
    def y(self) -> np.ndarray:
        return self._y[: self.size]


class LivePlot(pg.PlotWidget):
    """A plot of named curves fed by ``append``; repainted by its own timer when dirty."""

    def __init__(self, title: str, x_label: str, y_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.setTitle(title, color="#333", size="11pt")
        self.setLabel("bottom", x_label)
        self.setLabel("left", y_label)
        self.showGrid(x=True, y=True, alpha=0.2)
        item = self.getPlotItem()
        for side in ("left", "bottom"):
            item.getAxis(side).enableAutoSIPrefix(False)
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        self._buffers: dict[str, CurveBuffer] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._styles: dict[str, tuple[str, object]] = {}  # name: (colour, pen style)
        self._dirty: set[str] = set()
        self.redraws = 0
        self.decimate_above = DECIMATE_ABOVE  # points; a benchmark may switch it off
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self._on_redraw)
        self._timer.start()
        item.getViewBox().sigXRangeChanged.connect(self._on_x_range_changed)

    def add_curve(self, name: str, color: str, *, width: float = 2.0, dashed: bool = False,
                  symbol: str | None = None) -> None:
        from PySide6.QtCore import Qt

        style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
        pen = pg.mkPen(color=color, width=width, style=style)
        self._styles[name] = (color, style)
        curve = self.plot([], [], pen=pen, symbol=symbol, symbolSize=6,
                          symbolBrush=color, symbolPen=color)
        self._curves[name] = curve
        self._buffers[name] = CurveBuffer()

    def append(self, name: str, x: float, y: float | None) -> None:
        if y is None or not np.isfinite(y):
            return
        self._buffers[name].append(x, y)
        self._dirty.add(name)

    def set_points(self, name: str, xs: np.ndarray, ys: np.ndarray) -> None:
        buffer = self._buffers[name]
        buffer.clear()
        buffer.extend(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
        self._dirty.add(name)

    @property
    def redraw_pending(self) -> bool:
        """True while appended points wait for the next timer tick to be drawn."""
        return bool(self._dirty)

    def point_count(self, name: str) -> int:
        return self._buffers[name].size

    def curve_names(self) -> list[str]:
        return list(self._curves)

    def legend_entries(self) -> list[tuple[str, str, object]]:
        """(name, colour, pen style) per curve, for a legend beside the plot."""
        return [(name, *self._styles[name]) for name in self._curves]

    def clear_curves(self) -> None:
        for name in self._curves:
            self._buffers[name].clear()
            self._dirty.add(name)
        self._on_redraw()

    def remove_all(self) -> None:
        for curve in self._curves.values():
            self.removeItem(curve)
        self._curves.clear()
        self._styles.clear()
        self._buffers.clear()
        self._dirty.clear()

    def redraw_now(self) -> None:
        self._on_redraw()

    def _on_redraw(self) -> None:
        if not self._dirty:
            return
        for name in self._dirty:
            self._curves[name].setData(*self._display_data(self._buffers[name]))
        self._dirty.clear()
        self.redraws += 1

    def _display_data(self, buffer: CurveBuffer) -> tuple[np.ndarray, np.ndarray]:
        """What ``setData`` gets: every point of small curves; for big ones the part in view,
        reduced to a min and a max per pixel column (pyqtgraph's "peak" look)."""
        x, y = buffer.x, buffer.y
        if buffer.size <= self.decimate_above or not buffer.increasing:
            return x, y
        view = self.getPlotItem().getViewBox()
        if not view.autoRangeEnabled()[0]:
            low, high = view.viewRange()[0]
            start = max(int(np.searchsorted(x, low, side="left")) - 1, 0)
            stop = min(int(np.searchsorted(x, high, side="right")) + 1, buffer.size)
            x, y = x[start:stop], y[start:stop]
        return peak_decimate(x, y, max(int(view.width()), 200))

    def _on_x_range_changed(self, *_args: object) -> None:
        """Zoom or pan: decimated curves need a new slice (drawn by the next timer tick)."""
        self._dirty.update(name for name, buffer in self._buffers.items()
                           if buffer.size > self.decimate_above)


def peak_decimate(x: np.ndarray, y: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ~``2 * columns`` points keeping each bin's min and max; the last point stays."""
    count = len(x)
    per_bin = -(-count // max(columns, 1))
    if per_bin <= 2:
        return x, y
    bins = count // per_bin
    body = bins * per_bin
    blocks = y[:body].reshape(bins, per_bin)
    xs = np.empty(2 * bins + count - body + 1)
    ys = np.empty_like(xs)
    xs[0:2 * bins:2] = xs[1:2 * bins:2] = x[:body:per_bin]
    ys[0:2 * bins:2] = blocks.min(axis=1)
    ys[1:2 * bins:2] = blocks.max(axis=1)
    xs[2 * bins:-1], ys[2 * bins:-1] = x[body:], y[body:]
    xs[-1], ys[-1] = x[-1], y[-1]
    return xs, ys
