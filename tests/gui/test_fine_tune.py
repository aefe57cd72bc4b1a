"""Fine-tuning in the window, with real widgets and real tiny trainings: a run's Fine-tune
button fills the Models page and the run it trains records its parent; the Lineage tab opens
ancestors and descendants in one click; Compare adds a run's parent in one click."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import LOAD_TIMEOUT_MS, TOPICS, TRAIN_TIMEOUT_MS, train_runs
from PySide6.QtCore import Qt

from app.core.catalog import Catalog
from app.gui.pages.catalog_page import CatalogPage
from app.gui.pages.compare_page import ComparePage
from app.gui.state import AppState

WAIT_MS = 60_000


@pytest.fixture(scope="module")
def _family(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """root ← child ← grandchild, plus a run that never saved weights (id 4)."""
    path = tmp_path_factory.mktemp("family") / "catalog.sqlite"
    base = {"dataset": str(TOPICS), "model": "bag_of_embeddings", "epochs": 1,
            "batch_size": 32, "threads": 1, "model_options": {"embed_dim": 24}}
    ids = train_runs(path, {"root": {**base, "name": "root"}})
    ids |= train_runs(path, {"child": {**base, "name": "child", "init_from": str(ids["root"])}})
    ids |= train_runs(path, {"grandchild": {**base, "name": "grandchild",
                                            "init_from": str(ids["child"])}})
    assert ids == {"root": 1, "child": 2, "grandchild": 3}
    catalog = Catalog(path)
    catalog.create_run(name="no weights", model="bag_of_embeddings",
                       dataset_id=catalog.get_run_record(1).dataset_id, config={}, seed=0,
                       total_epochs=1, environment={})
    return path.parent


@pytest.fixture
def catalog_path(_family: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(_family, tmp_path / "family")) / "catalog.sqlite"


@pytest.fixture
def page(qtbot, settings, queue, catalog_path) -> CatalogPage:  # noqa: ANN001
    widget = CatalogPage(AppState(settings, catalog_path=catalog_path), queue)
    qtbot.addWidget(widget)
    widget.resize(1110, 760)
    widget.show()
    qtbot.waitUntil(lambda: not widget.busy, timeout=WAIT_MS)
    return widget


def shown(qtbot, page: CatalogPage, run_id: int, open_it) -> None:  # noqa: ANN001
    with qtbot.waitSignal(page.detail.loaded, timeout=WAIT_MS,
                          check_params_cb=lambda loaded: loaded == run_id):
        open_it()
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT_MS)
    assert page.detail.run_id == run_id


def test_lineage_lists_both_ways_and_each_relative_opens_in_one_click(qtbot, page) -> None:  # noqa: ANN001
    detail = page.detail
    shown(qtbot, page, 2, lambda: page.select_runs([2]))

    lineage = detail.lineage
    assert list(lineage.buttons) == [1, 3]  # its parent, then its child
    assert detail.tabs.tabText(detail.tabs.indexOf(lineage)) == "Lineage (2)"
    assert lineage.buttons[1].text().startswith("Run 1: root")

    shown(qtbot, page, 3, lambda: qtbot.mouseClick(lineage.buttons[3], Qt.MouseButton.LeftButton))
    assert list(detail.lineage.buttons) == [2, 1]  # ancestors nearest first
    assert page.selected_ids() == [3]
    shown(qtbot, page, 1, lambda: qtbot.mouseClick(detail.lineage.buttons[1],
                                                   Qt.MouseButton.LeftButton))
    assert list(detail.lineage.buttons) == [2, 3]  # descendants by depth
    assert page.selected_ids() == [1]


def test_fine_tune_is_offered_only_for_runs_with_weights(qtbot, page) -> None:  # noqa: ANN001
    shown(qtbot, page, 1, lambda: page.select_runs([1]))
    assert page.detail.fine_tune_button.isVisibleTo(page)
    shown(qtbot, page, 4, lambda: page.select_runs([4]))
    assert not page.detail.fine_tune_button.isVisibleTo(page)


def test_the_fine_tune_button_fills_the_models_page_and_the_run_records_its_parent(
        qtbot, settings, queue, catalog_path) -> None:  # noqa: ANN001
    from app.gui.main_window import MainWindow

    state = AppState(settings, catalog_path=catalog_path)
    window = MainWindow(state, queue)
    qtbot.addWidget(window)
    window.show()
    catalog_page = window.show_page("Catalog")
    qtbot.waitUntil(lambda: not catalog_page.busy, timeout=WAIT_MS)
    shown(qtbot, catalog_page, 1, lambda: catalog_page.select_runs([1]))
    parent = state.catalog.get_run_record(1)

    with qtbot.waitSignal(state.dataset_changed, timeout=LOAD_TIMEOUT_MS):  # none was open
        qtbot.mouseClick(catalog_page.detail.fine_tune_button, Qt.MouseButton.LeftButton)

    models = window.pages["Models"]
    assert window.stack.currentWidget() is models
    assert state.model_name == "bag_of_embeddings"
    assert state.values["init_from"] == parent.uid
    assert state.model_options["embed_dim"] == 24 and state.values["epochs"] == 1
    assert models.fine_tune_banner.isVisibleTo(window)
    assert "run 1 · root" in models.fine_tune_banner.label.text()
    assert "init_from" not in settings.last_values()  # never carried into the next session
    qtbot.waitUntil(models.train_button.isEnabled, timeout=WAIT_MS)

    with qtbot.waitSignal(queue.idle, timeout=TRAIN_TIMEOUT_MS):
        qtbot.mouseClick(models.train_button, Qt.MouseButton.LeftButton)

    newest = state.catalog.list_runs(limit=1)[0]
    assert newest.id == 5 and newest.status == "completed", newest.message
    assert newest.parent_run_id == 1
    assert newest.config["init_from"] == parent.uid
    # "Start fresh" forgets the parent; the next run would start from scratch
    qtbot.mouseClick(models.fine_tune_banner.fresh_button, Qt.MouseButton.LeftButton)
    assert state.values["init_from"] is None
    assert not models.fine_tune_banner.isVisibleTo(window)
    assert state.build_config().model.init_from is None


def test_compare_adds_a_runs_parent_in_one_click(qtbot, settings, queue, catalog_path) -> None:  # noqa: ANN001
    compare = ComparePage(AppState(settings, catalog_path=catalog_path), queue)
    qtbot.addWidget(compare)
    compare.show()
    qtbot.waitUntil(lambda: not compare.listing, timeout=WAIT_MS)
    picker = compare.picker
    picker.set_checked([3])
    assert picker.parent_button.isEnabled() and picker.parent_button.text() == "Add parent #2"

    with qtbot.waitSignal(compare.comparison_shown, timeout=WAIT_MS):
        qtbot.mouseClick(picker.parent_button, Qt.MouseButton.LeftButton)

    assert compare.selected_runs() == [3, 2]
    assert [run.id for run in compare.comparison.runs] == [3, 2]
    picker.list.setCurrentItem(picker.item_for(2))  # the highlighted run's parent next
    assert picker.parent_button.text() == "Add parent #1"
    with qtbot.waitSignal(compare.comparison_shown, timeout=WAIT_MS):
        qtbot.mouseClick(picker.parent_button, Qt.MouseButton.LeftButton)
    assert compare.selected_runs() == [3, 2, 1]
    picker.list.setCurrentItem(picker.item_for(1))  # the root has no parent
    assert not picker.parent_button.isEnabled()
    qtbot.waitUntil(lambda: not compare.curves.drawing, timeout=WAIT_MS)
