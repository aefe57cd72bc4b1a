"""Curves you can read (issue 12), on real pyqtgraph widgets: train and validation differ in
colour, style and legend marker; legends lie beside the view boxes, never over them; axes carry
no SI prefix ("loss (x0.001)") nor a stale one; the learning rate is on a log axis; accuracy is
in % everywhere; Compare offers a log axis and a range that one diverged run cannot squash; the
class chart names every class."""

from __future__ import annotations

import numpy as np
import pytest
from factories import write_text_table
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontMetrics

from app.core.catalog import MetricPoint
from app.core.datasets import load_dataset
from app.gui.pages._catalog_detail import CURVE_PANELS
from app.gui.pages._data_chart import ClassChart
from app.gui.pages._training_plots import VAL_LOSS, TrainingPlots
from app.gui.pages.compare_page import CURVE_KEYS, ComparePage
from app.gui.widgets.curve_ranges import robust_y_range
from app.gui.widgets.run_curves import RunCurves

WAIT_MS = 10_000


def _points(key: str, values) -> list[MetricPoint]:  # noqa: ANN001
    return [MetricPoint(key, i + 1, i + 1, float(v), "") for i, v in enumerate(values)]


def _history(loss: float = 1.0, accuracy: float = 0.9) -> dict[str, list[MetricPoint]]:
    epochs = np.arange(1, 6)
    return {"train_loss": _points("train_loss", loss / epochs),
            "val_loss": _points("val_loss", 1.1 * loss / epochs),
            "train_accuracy": _points("train_accuracy", accuracy * epochs / 5),
            "val_accuracy": _points("val_accuracy", accuracy * epochs / 6),
            "train_loss_step": _points("train_loss_step", loss / np.arange(1, 41)),
            "lr": _points("lr", [1e-3, 1e-4, 1e-5, 1e-6, 0.0])}


def _drawn(qtbot, curves: RunCurves, histories, labels=None) -> RunCurves:  # noqa: ANN001
    curves.set_runs(histories, labels)
    qtbot.waitUntil(lambda: not curves.drawing, timeout=WAIT_MS)
    return curves


@pytest.fixture
def run_curves(qtbot) -> RunCurves:  # noqa: ANN001
    widget = RunCurves(CURVE_PANELS)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    return widget


def _global_rect(widget) -> QRect:  # noqa: ANN001
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def _view_rect(plot) -> QRect:  # noqa: ANN001
    """The view box (data area) of a pyqtgraph plot widget, in global pixels."""
    rect = plot.mapFromScene(plot.getPlotItem().vb.sceneBoundingRect()).boundingRect()
    return QRect(plot.mapToGlobal(rect.topLeft()), rect.size())


def test_one_runs_train_and_validation_differ_in_colour_style_and_legend(qtbot, run_curves):  # noqa: ANN001
    _drawn(qtbot, run_curves, {1: _history()})
    train, val = run_curves.plots[0].getPlotItem().listDataItems()
    train_pen, val_pen = train.opts["pen"], val.opts["pen"]
    assert train_pen.color().name() != val_pen.color().name()
    assert train_pen.style() != val_pen.style()
    legend = run_curves.legend
    assert legend.labels()[:2] == ["train loss", "validation loss"]
    marker = [legend.item(row).icon().pixmap(36, 12).toImage() for row in (0, 1)]
    assert marker[0] != marker[1]
    assert marker[1].pixelColor(18, 6).name() == val_pen.color().name() or \
        marker[1].pixelColor(8, 6).name() == val_pen.color().name()


def test_legends_lie_beside_the_view_boxes(qtbot, run_curves) -> None:  # noqa: ANN001
    _drawn(qtbot, run_curves, {1: _history(), 2: _history(2.0)})
    assert run_curves.legend.isVisible()
    for plot in run_curves.plots:
        assert plot.getPlotItem().legend is None
        assert not _view_rect(plot).intersects(_global_rect(run_curves.legend))
    training = TrainingPlots()
    qtbot.addWidget(training)
    training.resize(800, 600)
    training.show()
    qtbot.waitExposed(training)
    for plot, legend in zip((training.loss, training.accuracy), training.legends, strict=True):
        assert plot.getPlotItem().legend is None and legend.isVisible()
        assert not _view_rect(plot).intersects(_global_rect(legend))
    assert training.legends[0].labels()[-1] == VAL_LOSS
    assert training.loss.legend_entries()[-1][2] != training.loss.legend_entries()[1][2]


def test_axis_labels_carry_no_si_prefix_even_after_huge_values(qtbot, run_curves) -> None:  # noqa: ANN001
    left = run_curves.plots[0].getPlotItem().getAxis("left")
    for scale in (600.0, 1e18, 0.5):
        _drawn(qtbot, run_curves, {1: _history(scale)})
        qtbot.wait(20)
        assert "(x" not in left.labelString() and "loss" in left.labelString()
        assert left.autoSIPrefixScale == 1.0
    training = TrainingPlots()
    qtbot.addWidget(training)
    for epoch in (1, 2):
        training.loss.append(VAL_LOSS, epoch, 600.0 * epoch)
    training.loss.redraw_now()
    training.loss.getPlotItem().vb.autoRange()
    axis = training.loss.getPlotItem().getAxis("left")
    assert "(x" not in axis.labelString() and axis.autoSIPrefixScale == 1.0


def test_learning_rate_is_on_a_log_axis_and_accuracy_in_percent(qtbot, run_curves) -> None:  # noqa: ANN001
    _drawn(qtbot, run_curves, {1: _history(accuracy=0.9)})
    lr_plot = run_curves.plots[CURVE_PANELS.index("lr")].getPlotItem()
    assert lr_plot.getAxis("left").logMode and not run_curves.plots[0].getPlotItem() \
        .getAxis("left").logMode
    qtbot.waitUntil(lambda: lr_plot.vb.viewRange()[1][0] < -5.5, timeout=WAIT_MS)
    low, high = lr_plot.vb.viewRange()[1]
    assert low < -5.5 and high > -3.5  # log10 of 1e-6 .. 1e-3 spans the view; lr 0 is a gap
    _xs, ys = run_curves.curve_data(1, "val_accuracy")
    assert ys[-1] == pytest.approx(100 * 0.9 * 5 / 6)
    accuracy_axis = run_curves.plots[1].getPlotItem().getAxis("left")
    assert "accuracy (%)" in accuracy_axis.labelString()
    assert run_curves.plots[1].getPlotItem().vb.viewRange()[1][1] > 50
    assert "accuracy (%)" in TrainingPlots().accuracy.getPlotItem().getAxis("left").labelString()


def test_robust_range_leaves_a_diverged_run_out() -> None:
    values = {1: np.array([0.5, 0.4, 0.3]), 2: np.array([0.6, 0.5, np.nan]),
              3: np.array([1e18, 1e17, 1e16])}
    (low, high), outliers = robust_y_range(values)
    assert outliers == [3] and low == pytest.approx(0.3) and high < 1
    span, outliers = robust_y_range({1: np.array([0.5, 0.3]), 2: np.array([0.9, 0.7])})
    assert outliers == [] and span[1] == pytest.approx(0.896)  # 98th pct


def test_compare_offers_a_log_axis_and_a_range_one_bad_run_cannot_squash(  # noqa: ANN201
        qtbot, settings, queue, state) -> None:  # noqa: ANN001
    page = ComparePage(state, queue)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.body.setCurrentWidget(page.tabs)  # as with two runs checked: the curves are shown
    curves = page.curves
    _drawn(qtbot, curves, {1: _history(1.0), 2: _history(1.2), 3: _history(1e18)},
           {1: "a", 2: "b", 3: "diverged"})
    loss_view = curves.plots[CURVE_KEYS.index("val_loss")].getPlotItem().vb
    assert page.robust_range.isChecked() and loss_view.viewRange()[1][1] < 10
    assert curves.outside_range[CURVE_KEYS.index("val_loss")] == [3]
    page.robust_range.setChecked(False)
    qtbot.waitUntil(lambda: loss_view.viewRange()[1][1] > 1e17,  # all: the healthy runs
                    timeout=WAIT_MS)  # flattened onto the x axis
    page.log_axis.setChecked(True)
    axes = [plot.getPlotItem().getAxis("left") for plot in curves.plots]
    assert [axis.logMode for axis in axes] == [True, False, True]  # not accuracy (%)
    page.robust_range.setChecked(True)
    qtbot.waitUntil(lambda: loss_view.viewRange()[1][1] < 2, timeout=WAIT_MS)  # log10: the
    assert loss_view.viewRange()[1][0] > -2  # healthy runs' decades, not the diverged one


def _chart(qtbot, tmp_path, names, width: int) -> ClassChart:  # noqa: ANN001
    chart = ClassChart()
    qtbot.addWidget(chart)
    chart.resize(width, 220)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_dataset(load_dataset(write_text_table(tmp_path / "t.csv", 2, names)))
    return chart


def test_class_chart_labels_every_class(qtbot, tmp_path) -> None:  # noqa: ANN001
    digits = [str(n) for n in range(10)]
    chart = _chart(qtbot, tmp_path, digits, 320)
    assert [text for _, text in chart.ticks] == digits
    long_names = [f"category number {n}" for n in range(30)]
    chart = _chart(qtbot, tmp_path, long_names, 600)
    assert [index for index, _ in chart.ticks] == list(range(30))
    per_bar = chart.getPlotItem().vb.width() / 30
    metrics = QFontMetrics(chart.tick_font)
    assert all(text and metrics.horizontalAdvance(text) <= per_bar for _, text in chart.ticks)
    assert chart.getPlotItem().getAxis("bottom")._tickLevels[0] == chart.ticks
