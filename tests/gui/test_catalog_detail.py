"""Catalog page, run detail: metrics, confusion matrix and its samples, misclassified browser,
curves, config, and resuming a stopped run. Uses the trained catalog of test_catalog_page."""

from __future__ import annotations

import pytest
from conftest import job_event
from PySide6.QtCore import Qt
from test_catalog_page import copy_of_trained_catalog, settle

from app.core.jobs import JobEnded
from app.gui.pages._catalog_overview import skipped_text
from app.gui.pages.catalog_page import CatalogPage
from app.gui.state import AppState


@pytest.fixture
def page(qtbot, settings, queue, tmp_path_factory, tmp_path):  # noqa: ANN001, ANN201
    state = AppState(settings, catalog_path=copy_of_trained_catalog(tmp_path_factory, tmp_path))
    widget = CatalogPage(state, queue)
    qtbot.addWidget(widget)
    widget.resize(1110, 760)
    widget.show()
    settle(qtbot, widget)
    return widget


def open_run(qtbot, page: CatalogPage, run_id: int) -> None:  # noqa: ANN001
    """Select a run and wait until its detail and its test results are shown."""
    with qtbot.waitSignals([page.detail.loaded, page.detail.results_loaded], timeout=60_000):
        page.select_runs([run_id])
    assert page.detail.run_id == run_id


def test_detail_shows_per_class_metrics_and_the_confusion_matrix(qtbot, page) -> None:
    open_run(qtbot, page, 1)
    metrics = page.state.catalog.get_run_record(1).test_metrics
    classes = list(metrics["classes"])
    table = page.detail.metrics.table
    assert table.rowCount() == len(classes) == 4
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == classes
    assert page.detail.metrics.values["accuracy"].text() == f"{100 * metrics['accuracy']:.1f}%"
    assert page.detail.confusion.matrix.class_names == ()  # drawn when its tab is shown
    page.detail.tabs.setCurrentWidget(page.detail.confusion)
    matrix = page.detail.confusion.matrix
    assert matrix.class_names == tuple(classes)
    expected = [list(row) for row in metrics["confusion_matrix"]]
    assert matrix.counts.tolist() == expected
    n = len(classes)
    assert [[matrix.cell_text(r, c) for c in range(n)] for r in range(n)] == \
        [[str(count) for count in row] for row in expected]
    assert "topics.csv" in page.detail.overview.field_text("Dataset")
    report = page.state.catalog.get_dataset(page.detail.detail.run.dataset_id).report
    assert page.detail.overview.field_text("Skipped") == skipped_text(report)
    assert "torch" in page.detail.overview.field_text("Libraries")


def test_clicking_a_cell_shows_exactly_its_samples(qtbot, page) -> None:
    page.detail.tabs.setCurrentWidget(page.detail.confusion)  # drawn at once when on show
    open_run(qtbot, page, 1)
    matrix, browser = page.detail.confusion.matrix, page.detail.confusion.browser
    counts = matrix.counts
    off_diagonal = max(((r, c) for r in range(len(counts)) for c in range(len(counts)) if r != c),
                       key=lambda cell: counts[cell])
    for row, col in (off_diagonal, (0, 0)):
        matrix.click_cell(row, col)
        assert browser.count() == counts[row, col] > 0
        assert matrix.selected == (row, col)
        true, predicted = matrix.class_names[row], matrix.class_names[col]
        caption = browser.grid.sample_model.items[0].caption
        assert caption.startswith(f"{true} → {predicted} (confidence ")
    assert browser.grid.sample_model.items[0].text  # text samples show their text


def test_misclassified_browser_lists_every_wrong_prediction(qtbot, page) -> None:
    open_run(qtbot, page, 2)  # the image run
    metrics = page.state.catalog.get_run_record(2).test_metrics
    matrix = metrics["confusion_matrix"]
    wrong = sum(matrix[r][c] for r in range(len(matrix)) for c in range(len(matrix)) if r != c)
    browser = page.detail.misclassified.browser
    assert browser.count() == wrong == page.detail.results.misclassified().__len__()
    items = browser.grid.sample_model.items
    assert all(item.image_path is not None and item.image_path.is_file() for item in items)
    confidences = [sample.confidence for sample in page.detail.results.misclassified()]
    assert confidences == sorted(confidences, reverse=True)
    true_class = page.detail.results.class_names[0]
    page.detail.misclassified.true_combo.setCurrentIndex(1)
    assert browser.count() == len(page.detail.results.misclassified(true_label=true_class))


def test_curves_and_config_of_a_run(qtbot, page) -> None:
    open_run(qtbot, page, 3)
    curves = page.detail.curves
    assert curves.curve_data(3, "val_loss") is None  # plots are drawn when their tab shows
    page.detail.tabs.setCurrentWidget(curves)
    xs, ys = curves.curve_data(3, "val_loss")
    assert xs.tolist() == [1.0, 2.0, 3.0] and len(ys) == 3
    assert curves.curve_data(3, "train_loss_step") is not None
    config = page.detail.config
    assert {"lr", "epochs", "device"} <= set(config.changed)
    config.changed_only.setChecked(True)
    visible = [config.table.item(row, 0).text() for row in range(config.table.rowCount())
               if not config.table.isRowHidden(row)]
    assert sorted(visible) == sorted(config.changed)


def test_a_stopped_run_can_be_resumed_to_completion(qtbot, page) -> None:
    with qtbot.waitSignal(page.detail.loaded, timeout=30_000):
        page.select_runs([4])
    assert page.detail.resume_button.isVisible()
    assert page.detail.misclassified.browser.heading.text().startswith("This run has no test")
    with job_event(qtbot, page.queue, JobEnded) as finished:
        qtbot.mouseClick(page.detail.resume_button, Qt.MouseButton.LeftButton)
        assert not page.detail.resume_button.isVisible()
    assert finished.args[0].outcome.run_id == 4 and finished.args[0].outcome.status == "completed"
    qtbot.waitUntil(lambda: not page.queue.busy, timeout=60_000)
    qtbot.waitUntil(lambda: page.detail.detail is not None
                    and page.detail.detail.run.status == "completed", timeout=30_000)
    settle(qtbot, page)
    assert page.state.catalog.count_runs() == 4  # the same run, not a new one
    assert page.model.runs[page.model.row_of(4)].status == "completed"
    assert not page.detail.resume_button.isVisible()


def test_deleting_the_shown_run_clears_every_tab(qtbot, page, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox

    open_run(qtbot, page, 2)  # the image run: its wrong predictions are listed
    browser = page.detail.misclassified.browser
    wrong = len(page.detail.results.misclassified())
    assert browser.count() == wrong > 0
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    page.select_runs([2])
    with qtbot.waitSignal(page.runs_trashed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)

    assert page.detail.run_id is None and not page.detail.tabs.isEnabled()
    assert browser.count() == 0 and browser.heading.text() == "No run is selected."
    assert page.detail.metrics.values["accuracy"].text() == "—"
    assert page.detail.lineage.count() == 0
