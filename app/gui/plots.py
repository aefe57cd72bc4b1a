"""Live plots: growing buffers redrawn on a timer, never per event.

pyqtgraph's scrolling-plot habit: a preallocated array that doubles when full, ``setData`` on
the filled part, peak downsampling and clip-to-view so a million points redraw in a frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

REDRAW_MS = 50  # at most ~20 redraws a second however fast events come


class CurveBuffer:
    """Append-only (x, y) storage with amortised O(1) appends."""

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity, dtype=np.float64)
        self._y = np.empty(capacity, dtype=np.float64)
        self.size = 0

    def append(self, x: float, y: float) -> None:
        if self.size == len(self._x):
            self._x = np.resize(self._x, 2 * self.size)
            self._y = np.resize(self._y, 2 * self.size)
        self._x[self.size], self._y[self.size] = x, y
        self.size += 1

    def extend(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Vectorised: a million points are one copy, not a million Python calls."""
        xs = np.asarray(xs, dtype=np.float64).ravel()
        ys = np.asarray(ys, dtype=np.float64).ravel()
        if len(xs) != len(ys):
            raise ValueError(f"x and y differ in length ({len(xs)} != {len(ys)})")
        end = self.size + len(xs)
        if end > len(self._x):
            capacity = max(end, 2 * len(self._x))
            self._x = np.resize(self._x, capacity)
            self._y = np.resize(self._y, capacity)
        self._x[self.size:end], self._y[self.size:end] = xs, ys
        self.size = end

    def clear(self) -> None:
        self.size = 0

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
        self.addLegend(offset=(-10, 10))
        item = self.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        self._buffers: dict[str, CurveBuffer] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._dirty: set[str] = set()
        self.redraws = 0
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self._on_redraw)
        self._timer.start()

    def add_curve(self, name: str, color: str, *, width: float = 2.0, dashed: bool = False,
                  symbol: str | None = None) -> None:
        from PySide6.QtCore import Qt

        pen = pg.mkPen(color=color, width=width,
                       style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
        curve = self.plot([], [], name=name, pen=pen, symbol=symbol, symbolSize=6,
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

    def point_count(self, name: str) -> int:
        return self._buffers[name].size

    def curve_names(self) -> list[str]:
        return list(self._curves)

    def clear_curves(self) -> None:
        for name in self._curves:
            self._buffers[name].clear()
            self._dirty.add(name)
        self._on_redraw()

    def remove_all(self) -> None:
        for curve in self._curves.values():
            self.removeItem(curve)
        legend = self.getPlotItem().legend
        if legend is not None:
            legend.clear()
        self._curves.clear()
        self._buffers.clear()
        self._dirty.clear()

    def redraw_now(self) -> None:
        self._on_redraw()

    def _on_redraw(self) -> None:
        if not self._dirty:
            return
        for name in self._dirty:
            buffer = self._buffers[name]
            self._curves[name].setData(buffer.x, buffer.y)
        self._dirty.clear()
        self.redraws += 1
