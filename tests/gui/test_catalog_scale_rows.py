"""The run table at scale: keyset chunks, one changed row placed without a reload, stale
results dropped, and no catalog read or write of the page on the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_catalog_page import column, settle
from test_catalog_scale_writer import fill

from app.core.catalog import Catalog
from app.core.catalog._base import CatalogBase
from app.gui.pages._catalog_model import CHUNK
from app.gui.pages.catalog_page import CatalogPage
from app.gui.state import AppState

RUNS = 1_000


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rows") / "catalog.sqlite"
    fill(path, RUNS)
    return path


@pytest.fixture
def page(qtbot, settings, queue, filled: Path, tmp_path: Path):  # noqa: ANN001, ANN201
    copy = tmp_path / "catalog.sqlite"
    copy.write_bytes(filled.read_bytes())
    widget = CatalogPage(AppState(settings, catalog_path=copy), queue)
    qtbot.addWidget(widget)
    widget.resize(1110, 760)
    widget.show()
    settle(qtbot, widget)
    with qtbot.waitSignal(widget.model.loaded):
        widget.table.sortByColumn(column("Test acc"), Qt.SortOrder.DescendingOrder)
    settle(qtbot, widget)
    return widget


def _fresh(page: CatalogPage, rows: int) -> list[int]:
    sort = page.model.sort_key
    return [row.id for row in page.state.catalog.page_runs(sort=sort, limit=rows).rows]


def _ids(page: CatalogPage) -> list[int]:
    return [run.id for run in page.model.runs]


def test_the_table_loads_keyset_chunks_as_it_scrolls(qtbot, page: CatalogPage) -> None:
    assert len(page.model.runs) == CHUNK and page.model.total == RUNS
    assert _ids(page) == _fresh(page, CHUNK)
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: len(page.model.runs) == 2 * CHUNK and not page.model.busy)
    assert _ids(page) == _fresh(page, 2 * CHUNK)


def test_a_changed_run_moves_inside_the_loaded_rows_keeping_the_selection(
        qtbot, page: CatalogPage) -> None:
    run = page.model.runs[150]
    page.select_runs([run.id])
    page.state.catalog.finish_run(run.id, status="completed", test_metrics={"accuracy": 0.995})
    with qtbot.waitSignal(page.model.row_updated):
        page.state.run_changed.emit(run.id)
        page.state.runs_changed.emit()  # the same change: no reload follows
    settle(qtbot, page)
    assert _ids(page) == _fresh(page, CHUNK) and _ids(page)[0] == run.id
    assert page.model.runs[0].test_accuracy == 0.995
    assert page.selected_ids() == [run.id]


def test_a_run_that_moves_past_the_loaded_rows_comes_back_once_when_scrolled_to(
        qtbot, page: CatalogPage) -> None:
    run = page.model.runs[3]
    page.state.catalog.finish_run(run.id, status="completed", test_metrics={"accuracy": 0.0})
    with qtbot.waitSignal(page.model.row_updated):
        page.state.run_changed.emit(run.id)
    assert run.id not in _ids(page) and len(page.model.runs) == CHUNK - 1
    qtbot.waitUntil(lambda: (page.table.scrollToBottom(), not page.model.canFetchMore()
                             and not page.model.busy)[1], timeout=30_000)
    assert _ids(page) == _fresh(page, RUNS) and _ids(page).count(run.id) == 1


def test_new_and_trashed_runs_are_placed_and_counted(qtbot, page: CatalogPage) -> None:
    catalog: Catalog = page.state.catalog
    new = catalog.create_run(name="new", model="mlp", dataset_id=1, config={}, seed=0,
                             total_epochs=1, environment={})
    catalog.finish_run(new, status="completed", test_metrics={"accuracy": 0.991})
    with qtbot.waitSignal(page.model.row_updated):
        page.state.run_changed.emit(new)
    assert page.model.row_of(new) == _fresh(page, CHUNK + 1).index(new)
    assert page.model.total == RUNS + 1
    gone = page.model.runs[10].id
    catalog.trash_runs([gone])
    with qtbot.waitSignal(page.model.row_updated):
        page.state.run_changed.emit(gone)
    assert page.model.row_of(gone) is None and page.model.total == RUNS
    assert page.count_label.text() == f"{RUNS} runs"


def test_only_the_newest_query_is_shown(qtbot, page: CatalogPage) -> None:
    page.table.sortByColumn(column("Name"), Qt.SortOrder.AscendingOrder)
    page.table.sortByColumn(column("Created"), Qt.SortOrder.DescendingOrder)
    page.filters.set_choice("model", "cnn")
    settle(qtbot, page)
    expected = [row.id for row in page.state.catalog.page_runs(
        model="cnn", sort="-created_at", limit=CHUNK).rows]
    assert _ids(page) == expected and page.model.total == RUNS // 2


def test_no_catalog_call_of_the_page_runs_on_the_gui_thread(qtbot, page: CatalogPage,
                                                            monkeypatch) -> None:  # noqa: ANN001
    on_gui_thread: list[str] = []
    for name in ("_read", "_write"):
        original = getattr(CatalogBase, name)

        def watched(self, original=original, name=name):  # noqa: ANN001, ANN202
            if threading.current_thread() is threading.main_thread():
                on_gui_thread.append(name)
            return original(self)

        monkeypatch.setattr(CatalogBase, name, watched)
    run_id = page.model.runs[5].id
    page.select_runs([run_id])
    qtbot.waitUntil(lambda: page.detail.run_id == run_id and not page.detail.busy)
    page.detail.overview.tags_edit.setText("watched")
    with qtbot.waitSignal(page.state.run_changed):
        page.detail.overview.tags_edit.editingFinished.emit()
    page.table.sortByColumn(column("Name"), Qt.SortOrder.AscendingOrder)
    page.filters.search.setText("seed run 1")
    page.filters.flush()
    settle(qtbot, page)
    with qtbot.waitSignal(page.runs_trashed):
        page.trash_runs([page.model.runs[0].id])
    with qtbot.waitSignal(page.runs_restored):
        page.undo_trash()
    page.state.runs_changed.emit()
    settle(qtbot, page)
    assert on_gui_thread == []
