"""Compare with many runs, on real widgets over a real catalog: 20 runs get 20 different
colours in the curves, the table and the picker (runs 3 and 11 no longer share green), the
legend lies beside the plots and names every run, and hovering a point shows the run's full
name."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect
from PySide6.QtTest import QTest

from app.core.catalog import Catalog
from app.gui.pages.compare_page import ComparePage
from app.gui.state import AppState

WAIT_MS = 60_000
RUNS = 20
LONG = "with a long descriptive name that no legend could show in full"


@pytest.fixture(scope="module")
def catalog_path(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """20 finished runs with three epochs of curves each (recorded, not trained)."""
    path = tmp_path_factory.mktemp("many") / "catalog.sqlite"
    catalog = Catalog(path)
    dataset = catalog.register_dataset(path.parent / "data", "text", "fp", ["a", "b"],
                                       {"a": 5, "b": 5}, 10)
    for number in range(1, RUNS + 1):
        run_id = catalog.create_run(name=f"trial {number} {LONG}", model="textcnn",
                                    dataset_id=dataset, config={"lr": number / 1000},
                                    seed=number, total_epochs=3, environment={})
        catalog.log_metrics(run_id, [
            (key, epoch, epoch, base + number / 100 - epoch / 10)
            for epoch in (1, 2, 3)
            for key, base in (("val_loss", 1.0), ("val_accuracy", 0.5), ("train_loss", 1.2))])
        catalog.finish_run(run_id, status="completed", wall_seconds=1.0,
                           test_metrics={"accuracy": number / 40, "macro_f1": number / 50})
    return path


@pytest.fixture
def page(qtbot, settings, queue, catalog_path) -> ComparePage:  # noqa: ANN001
    compare = ComparePage(AppState(settings, catalog_path=catalog_path), queue)
    qtbot.addWidget(compare)
    compare.resize(1200, 760)
    compare.show()
    qtbot.waitUntil(lambda: not compare.listing, timeout=WAIT_MS)
    ids = list(range(1, RUNS + 1))
    with qtbot.waitSignal(compare.comparison_shown, timeout=WAIT_MS):
        compare.show_runs(ids)
    qtbot.waitUntil(lambda: not compare.curves.drawing, timeout=WAIT_MS)
    return compare


def _pen(item) -> str:  # noqa: ANN001
    return item.opts["pen"].color().name().upper()


def test_twenty_runs_get_twenty_colours_everywhere(page: ComparePage) -> None:
    for plot in page.curves.plots:
        items = plot.getPlotItem().listDataItems()
        assert len(items) == RUNS and len({_pen(item) for item in items}) == RUNS
    by_run = {run_id: page.colors[run_id].upper() for run_id in range(1, RUNS + 1)}
    assert by_run[3] != by_run[11]
    headers = [page.metrics.horizontalHeaderItem(c).foreground().color().name().upper()
               for c in range(page.metrics.columnCount())]
    assert headers == [by_run[run_id] for run_id in range(1, RUNS + 1)]
    swatch = page.picker.item_for(11).icon().pixmap(8, 8).toImage().pixelColor(4, 4)
    assert swatch.name().upper() == by_run[11]


def test_the_legend_lies_beside_the_plots_and_names_every_run(page: ComparePage) -> None:
    legend = page.curves.legend
    assert legend.isVisible() and legend.count() == RUNS
    assert all(plot.getPlotItem().legend is None for plot in page.curves.plots)
    area = QRect(legend.mapTo(page, QPoint(0, 0)), legend.size())
    for plot in page.curves.plots:
        assert not area.intersects(QRect(plot.mapTo(page, QPoint(0, 0)), plot.size()))
    item = legend.item(10)
    assert item.toolTip() == f"#11 trial 11 {LONG}"  # full name on hover, elided in the list
    assert item.text().endswith("…") and item.text()[:-1] in item.toolTip()
    assert legend.fontMetrics().horizontalAdvance(item.text()) < legend.viewport().width()
    assert legend.labels()[10] == item.toolTip()


def test_hovering_a_point_shows_the_runs_full_name(qtbot, page: ComparePage) -> None:  # noqa: ANN001
    curves = page.curves
    plot = curves.plots[0]  # validation loss
    xs, ys = curves.curve_data(7, "val_loss")
    scene = plot.getPlotItem().vb.mapViewToScene(QPointF(xs[1], ys[1]))
    where = plot.mapFromScene(scene)

    QTest.mouseMove(plot.viewport(), where)
    qtbot.waitUntil(lambda: curves.hover_text != "", timeout=5_000)

    assert curves.hover_text.startswith(f"#7 trial 7 {LONG}\nvalidation loss: ")
    assert f"{ys[1]:.4g} at epoch 2" in curves.hover_text
    far = plot.getPlotItem().vb.mapViewToScene(QPointF(xs[1] + 10, ys[1] + 10))
    assert curves.describe_point(0, far) == ""
