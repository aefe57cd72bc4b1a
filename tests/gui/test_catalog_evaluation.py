"""The run detail's Evaluation tab on real trained runs: ROC / PR per class, calibration,
a stopped run's reason, ten classes, and emptying when the shown run is deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import train_runs
from factories import write_image_folder
from PySide6.QtCore import Qt
from test_catalog_detail import open_run
from test_catalog_page import copy_of_trained_catalog, settle

from app.gui.pages._catalog_evaluation import ALL_CLASSES
from app.gui.pages.catalog_page import CatalogPage
from app.gui.state import AppState
from app.gui.widgets.evaluation_plots import BIN_ENTRY, class_color

TOPICS_RUN, STOPPED_RUN = 1, 4  # in the trained catalog of test_catalog_page
DIGITS = tuple(f"digit{i}" for i in range(10))


def _page(qtbot, settings, queue, catalog_path: Path) -> CatalogPage:  # noqa: ANN001
    widget = CatalogPage(AppState(settings, catalog_path=catalog_path), queue)
    qtbot.addWidget(widget)
    widget.resize(1200, 820)
    widget.show()
    settle(qtbot, widget)
    return widget


@pytest.fixture
def page(qtbot, settings, queue, tmp_path_factory, tmp_path):  # noqa: ANN001, ANN201
    return _page(qtbot, settings, queue, copy_of_trained_catalog(tmp_path_factory, tmp_path))


def show_evaluation(qtbot, page: CatalogPage, run_id: int) -> None:  # noqa: ANN001
    """Open ``run_id`` with the Evaluation tab in front and wait until it is drawn."""
    open_run(qtbot, page, run_id)
    with qtbot.waitSignal(page.detail.evaluation.loaded, timeout=60_000):
        page.detail.tabs.setCurrentWidget(page.detail.evaluation)
    settle(qtbot, page)


def test_a_trained_run_shows_its_curves_calibration_and_areas(qtbot, page) -> None:  # noqa: ANN001
    show_evaluation(qtbot, page, TOPICS_RUN)
    tab = page.detail.evaluation
    stored = page.state.catalog.get_run_record(TOPICS_RUN).test_metrics
    classes = list(stored["classes"])

    assert not tab.message.isVisible() and tab.content.isVisible()
    assert [tab.picker.itemText(i) for i in range(tab.picker.count())] == [ALL_CLASSES,
                                                                            *classes]
    rows = tab.table_text()
    assert [row[0] for row in rows] == [*classes, "Macro average"]
    for row, recorded in zip(rows, stored["per_class"], strict=False):
        assert row[1] == str(recorded["support"])
        assert row[2] == f"{recorded['roc_auc']:.3f}"
        assert 0.0 <= float(row[3]) <= 1.0
    assert rows[-1][2] == f"{stored['roc_auc_macro']:.3f}"
    plots = tab.plots
    assert plots.drawn["roc"] == [*classes, "chance"]
    assert plots.drawn["pr"] == [*classes, "prevalence"]
    assert "perfectly calibrated" in plots.drawn["reliability"]
    assert sum(int(count) for count in plots.bin_labels) == stored["samples"]
    ece = tab.evaluation.calibration.ece
    assert f"calibration error (ECE) {ece:.3f}" in tab.summary.text()
    assert f"ECE {ece:.3f}" in plots.reliability.getPlotItem().titleLabel.text
    # the legend is a list beside the plots, one entry per class plus the guide lines
    assert plots.legend.isVisible() and plots.legend.labels() == [
        *classes, "chance (ROC)", "mean prevalence (PR)", "perfectly calibrated", BIN_ENTRY]
    assert plots.legend.geometry().left() >= plots.pr.geometry().right()
    for plot in (plots.roc, plots.pr, plots.reliability):
        assert not plot.getAxis("left").autoSIPrefix
        assert plot.getAxis("bottom").labelText


def test_choosing_a_class_draws_it_against_the_rest(qtbot, page) -> None:  # noqa: ANN001
    show_evaluation(qtbot, page, TOPICS_RUN)
    tab = page.detail.evaluation
    chosen = tab.picker.itemText(2)
    tab.picker.setCurrentText(chosen)
    assert tab.plots.drawn["roc"] == [chosen, "chance"]
    assert tab.plots.drawn["pr"] == [chosen, "prevalence"]
    assert tab.plots.legend.labels() == [chosen, "chance (ROC)", "prevalence (PR)",
                                         "perfectly calibrated", BIN_ENTRY]
    tab.picker.setCurrentText(ALL_CLASSES)
    assert len(tab.plots.drawn["roc"]) == tab.picker.count()  # every class, plus chance


def test_curves_are_computed_only_once_the_tab_is_shown(qtbot, page) -> None:  # noqa: ANN001
    open_run(qtbot, page, TOPICS_RUN)
    settle(qtbot, page)
    tab = page.detail.evaluation
    assert tab.evaluation is None and not tab.busy
    with qtbot.waitSignal(tab.loaded, timeout=60_000):
        page.detail.tabs.setCurrentWidget(tab)
    assert tab.evaluation is not None and tab.evaluation.run_id == TOPICS_RUN


def test_a_stopped_run_says_why_it_has_no_curves(qtbot, page) -> None:  # noqa: ANN001
    page.detail.tabs.setCurrentWidget(page.detail.evaluation)
    with qtbot.waitSignal(page.detail.evaluation.loaded, timeout=60_000):
        page.select_runs([STOPPED_RUN])
    settle(qtbot, page)
    tab = page.detail.evaluation
    assert tab.message.isVisible() and not tab.content.isVisible()
    assert f"Run {STOPPED_RUN} ended as stopped" in tab.message.text()
    assert "no test predictions" in tab.message.text()
    assert tab.table.rowCount() == 0 and tab.plots.drawn["roc"] == []


def test_deleting_the_shown_run_empties_the_tab(qtbot, page, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox

    show_evaluation(qtbot, page, TOPICS_RUN)
    tab = page.detail.evaluation
    assert tab.table.rowCount() > 0
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    page.select_runs([TOPICS_RUN])
    with qtbot.waitSignal(page.runs_trashed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)

    assert tab.evaluation is None and tab.table.rowCount() == 0
    assert tab.message.text() == "No run is selected."
    assert tab.plots.drawn["roc"] == [] and tab.plots.bin_labels == []


def test_ten_classes_stay_readable(qtbot, settings, queue, tmp_path) -> None:  # noqa: ANN001
    digits = write_image_folder(tmp_path / "digits", classes=DIGITS, per_class=10, size=8)
    catalog_path = tmp_path / "digits.sqlite"
    ids = train_runs(catalog_path, {"mlp": {"dataset": str(digits), "model": "mlp",
                                            "epochs": 2, "image_size": 8, "lr": 0.01}})
    page = _page(qtbot, settings, queue, catalog_path)
    show_evaluation(qtbot, page, ids["mlp"])
    tab = page.detail.evaluation

    assert tab.picker.count() == 11 and tab.table.rowCount() == 11
    entries = tab.plots.legend.labels()
    assert entries[:10] == list(DIGITS)
    assert len({class_color(i) for i in range(10)}) == 10  # one colour per digit
    tab.picker.setCurrentText("digit7")
    assert tab.plots.drawn["roc"][0] == "digit7" and len(tab.plots.drawn["roc"]) == 2
