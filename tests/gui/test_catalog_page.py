"""Catalog page: the run table, filters, tags/notes, trash with undo, empty trash, CSV export.

Every test works on its own copy of one catalog of real tiny runs (trained once per session):
three completed runs (two text models, one image model) and one run stopped after epoch 1.
The page reads and writes on the thread pool, so tests wait until it is idle (``settle``).
"""

from __future__ import annotations

import csv
import functools
import os
import shutil
import socket
from pathlib import Path

import pytest
from conftest import SHAPES, TOPICS
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.core.catalog import Catalog
from app.gui.pages._catalog_model import COLUMNS
from app.gui.pages.catalog_page import CatalogPage
from app.gui.state import AppState

RUNS = (
    {"dataset": str(TOPICS), "model": "bag_of_embeddings", "epochs": 2, "name": "topics-bag"},
    {"dataset": str(SHAPES), "model": "mlp", "epochs": 2, "name": "shapes-mlp", "lr": 0.003},
    {"dataset": str(TOPICS), "model": "bag_of_embeddings", "epochs": 3, "name": "topics-fast",
     "lr": 0.01},
)
STOPPED = {"dataset": str(TOPICS), "model": "bag_of_embeddings", "epochs": 3,
           "name": "topics-stopped"}


@functools.cache
def _trained(folder: str) -> Path:
    """Train the runs once into ``folder``; the catalog is closed so the file can be copied."""
    from app.core.engine import Callback, RunControl
    from app.core.runs import execute, make_config, plan_run

    class StopAfterFirstEpoch(Callback):
        def __init__(self, control: RunControl) -> None:
            self.control = control

        def on_epoch_end(self, event) -> None:  # noqa: ANN001
            self.control.request_stop()

    path = Path(folder) / "catalog.sqlite"
    catalog = Catalog(path)
    for values in RUNS:
        outcome = execute(plan_run(make_config({**values, "device": "cpu"})), catalog)
        assert outcome.status == "completed"
    control = RunControl()
    outcome = execute(plan_run(make_config({**STOPPED, "device": "cpu"})), catalog,
                      callbacks=(StopAfterFirstEpoch(control),), control=control)
    assert outcome.status == "stopped"
    catalog.close()
    return path


def copy_of_trained_catalog(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A private copy (file and run folders) of the session's trained catalog."""
    folder = tmp_path_factory.getbasetemp() / "trained_catalog"
    folder.mkdir(exist_ok=True)
    source = _trained(str(folder))
    shutil.copytree(source.parent, tmp_path / "catalog")
    return tmp_path / "catalog" / source.name


@pytest.fixture
def catalog_path(tmp_path_factory, tmp_path) -> Path:  # noqa: ANN001
    return copy_of_trained_catalog(tmp_path_factory, tmp_path)


@pytest.fixture
def page(qtbot, settings, queue, catalog_path):  # noqa: ANN001, ANN201
    state = AppState(settings, catalog_path=catalog_path)
    widget = CatalogPage(state, queue)
    qtbot.addWidget(widget)
    widget.resize(1110, 760)
    widget.show()
    settle(qtbot, widget)
    return widget


def settle(qtbot, page: CatalogPage) -> None:  # noqa: ANN001
    """Wait until every read and write the page started has been answered and applied."""
    qtbot.waitUntil(lambda: not page.busy, timeout=30_000)


def column(title: str) -> int:
    return next(number for number, c in enumerate(COLUMNS) if c.title == title)


def shown_ids(page: CatalogPage) -> list[int]:
    return [run.id for run in page.model.runs]


def test_table_has_one_row_per_run(page) -> None:
    assert page.model.rowCount() == 4
    assert sorted(shown_ids(page)) == [1, 2, 3, 4]
    assert page.count_label.text() == "4 runs"
    status = {page.model.index(row, column("Name")).data():
              page.model.index(row, column("Status")).data() for row in range(4)}
    assert status == {"topics-bag": "completed", "shapes-mlp": "completed",
                      "topics-fast": "completed", "topics-stopped": "stopped"}


def test_sorting_by_test_accuracy_is_done_by_the_catalog(qtbot, page) -> None:
    with qtbot.waitSignal(page.model.loaded):
        page.table.sortByColumn(column("Test acc"), Qt.SortOrder.DescendingOrder)
    assert page.model.sort_key == "-test_accuracy"
    accuracies = [run.test_accuracy for run in page.model.runs]
    assert accuracies[-1] is None  # the stopped run has none: last either way
    assert accuracies[:3] == sorted(accuracies[:3], reverse=True)
    with qtbot.waitSignal(page.model.loaded):
        page.table.sortByColumn(column("Test acc"), Qt.SortOrder.AscendingOrder)
    accuracies = [run.test_accuracy for run in page.model.runs]
    assert accuracies[:3] == sorted(accuracies[:3]) and accuracies[-1] is None


def test_text_status_and_model_filters(qtbot, page) -> None:
    qtbot.keyClicks(page.filters.search, "shapes")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5_000)  # after the debounce
    assert page.model.runs[0].name == "shapes-mlp"
    page.filters.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=5_000)
    page.filters.set_choice("status", "stopped")
    settle(qtbot, page)
    assert shown_ids(page) == [4]
    page.filters.set_choice("status", None)
    page.filters.set_choice("model", "bag_of_embeddings")
    settle(qtbot, page)
    assert sorted(shown_ids(page)) == [1, 3, 4]
    assert page.count_label.text() == "3 runs"


def test_parameter_and_metric_thresholds_filter_the_table(qtbot, page) -> None:
    def where(text: str) -> list[int]:
        page.filters.thresholds.setText(text)
        page.filters.flush()
        settle(qtbot, page)
        return sorted(shown_ids(page))

    assert where("lr < 0.005") == [2]  # shapes-mlp ran with 0.003; the rest 0.005 or 0.01
    assert where("lr >= 0.005 and test_accuracy > 0") == [1, 3]  # the stopped run has none
    assert where("model_options.nonexistent = 1") == []
    assert where("lr <") == []  # not a threshold: marked, the last valid one is kept
    assert "not “name operator value”" in page.filters.thresholds.toolTip()
    assert where("test_accuracy >= x") == []
    assert "compare the metric test_accuracy with a number" in page.filters.thresholds.toolTip()
    assert where("") == [1, 2, 3, 4]
    assert page.filters.thresholds.toolTip() == ""


def test_tags_and_notes_are_saved_in_the_catalog(qtbot, page, catalog_path) -> None:
    with qtbot.waitSignal(page.detail.loaded, timeout=30_000):
        page.select_runs([3])
    overview = page.detail.overview
    overview.tags_edit.setText("baseline, small ,baseline")
    with qtbot.waitSignals([page.state.run_changed, page.state.runs_changed], order="strict"):
        overview.tags_edit.editingFinished.emit()  # written on the pool, then announced
    overview.notes_edit.setPlainText("lr 0.01 learns faster")
    with qtbot.waitSignal(page.state.run_changed, check_params_cb=lambda run_id: run_id == 3):
        qtbot.mouseClick(overview.save_notes_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    fresh = Catalog(catalog_path).get_run_record(3)
    assert fresh.tags == ("baseline", "small")
    assert fresh.notes == "lr 0.01 learns faster"
    row = page.model.row_of(3)
    assert page.model.index(row, column("Tags")).data() == "baseline, small"
    assert page.selected_ids() == [3]  # the refresh kept the selection
    qtbot.waitUntil(lambda: page.filters.tag.findData("baseline") > 0, timeout=10_000)
    page.filters.set_choice("tag", "small")
    settle(qtbot, page)
    assert shown_ids(page) == [3]


def test_delete_moves_to_trash_and_undo_restores(qtbot, page, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    page.select_runs([1, 2])
    with qtbot.waitSignal(page.runs_trashed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert sorted(shown_ids(page)) == [3, 4]
    assert page.state.catalog.count_runs(trashed=True) == 2
    assert "Moved 2 runs to the trash" in page.message.text()
    page.set_trash_view(True)
    settle(qtbot, page)
    assert sorted(shown_ids(page)) == [1, 2]
    assert page.restore_button.isVisible() and not page.delete_button.isVisible()
    page.set_trash_view(False)
    settle(qtbot, page)
    assert page.message.action_button.text() == "Undo"
    with qtbot.waitSignal(page.runs_restored):
        qtbot.mouseClick(page.message.action_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert sorted(shown_ids(page)) == [1, 2, 3, 4]
    assert page.state.catalog.count_runs(trashed=True) == 0


def test_restore_from_the_trash_view(qtbot, page) -> None:
    with qtbot.waitSignal(page.runs_trashed):
        page.trash_runs([4])
    page.set_trash_view(True)
    settle(qtbot, page)
    page.select_runs([4])
    with qtbot.waitSignal(page.runs_restored):
        page.restore_selected()
    settle(qtbot, page)
    assert shown_ids(page) == []
    page.set_trash_view(False)
    settle(qtbot, page)
    assert 4 in shown_ids(page)


def test_trashing_a_running_run_shows_why_not(qtbot, page) -> None:
    page.state.catalog.mark_running(1, device="cpu", pid=os.getpid(), hostname=socket.gethostname())
    page.trash_runs([1])
    qtbot.waitUntil(lambda: page.message.kind == "error" and page.message.isVisible(),
                    timeout=10_000)
    assert "run 1 is running; stop it first" in page.message.text()
    settle(qtbot, page)
    assert 1 in shown_ids(page)


def test_empty_trash_deletes_files_and_reports_the_space(qtbot, page, monkeypatch) -> None:
    folders = [page.state.catalog.get_run_record(i).run_dir for i in (1, 2)]
    assert all(folder.is_dir() for folder in folders)
    with qtbot.waitSignal(page.runs_trashed):
        page.trash_runs([1, 2])
    page.set_trash_view(True)
    settle(qtbot, page)
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.trash_emptied, timeout=30_000) as emptied:
        qtbot.mouseClick(page.empty_button, Qt.MouseButton.LeftButton)
    report = emptied.args[0]
    assert report.runs_removed == 2 and report.bytes_reclaimed > 0
    assert not any(folder.exists() for folder in folders)
    assert page.message.text().startswith("Removed 2 runs, reclaimed ")
    settle(qtbot, page)
    assert shown_ids(page) == [] and page.count_label.text() == "0 runs in the trash"
    page.set_trash_view(False)
    settle(qtbot, page)
    assert sorted(shown_ids(page)) == [3, 4]


def test_export_csv_writes_the_filtered_runs(qtbot, page, tmp_path) -> None:
    page.filters.set_choice("model", "bag_of_embeddings")
    target = tmp_path / "runs.csv"
    with qtbot.waitSignal(page.exported) as exported:
        page.export_csv(target)
    assert exported.args == [3]
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(int(row["id"]) for row in rows) == [1, 3, 4]
    assert "Exported 3 runs" in page.message.text()


def test_compare_selected_emits_the_run_ids(qtbot, page) -> None:
    page.select_runs([1, 3])
    assert page.compare_button.isEnabled()
    with qtbot.waitSignal(page.compare_requested) as requested:
        qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    assert sorted(requested.args[0]) == [1, 3]


def test_in_the_window_a_new_catalog_fills_the_page_and_compare_opens_its_page(
        qtbot, window, state, tmp_path_factory, tmp_path) -> None:  # noqa: ANN001
    page = window.show_page("Catalog")
    settle(qtbot, page)
    assert page.model.rowCount() == 0
    with qtbot.waitSignal(page.model.loaded):
        state.open_catalog(copy_of_trained_catalog(tmp_path_factory, tmp_path))
    settle(qtbot, page)
    assert sorted(shown_ids(page)) == [1, 2, 3, 4]
    page.select_runs([2, 3])
    with qtbot.waitSignal(page.compare_requested):
        qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.pages["Compare"]
