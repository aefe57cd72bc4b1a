"""Reproduce and "Use these settings" in the window, with real widgets and real tiny trainings:
the settings button fills the Models form from a run (opening its dataset instead of the open
one) and the run it trains has the same config; Reproduce queues a linked run with the same
test metrics; a changed dataset is asked about before anything is queued."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import LOAD_TIMEOUT_MS, SHAPES, TOPICS, TRAIN_TIMEOUT_MS, open_dataset, train_runs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.core.catalog import Catalog
from app.gui.state import AppState

WAIT_MS = 60_000
BASE = {"dataset": str(TOPICS), "model": "bag_of_embeddings", "epochs": 1, "batch_size": 16,
        "threads": 1, "lr": 0.02, "seed": 9, "model_options": {"embed_dim": 24}}


@pytest.fixture(scope="module")
def _runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """run 1 on the topics sample, run 2 fine-tuned from it."""
    path = tmp_path_factory.mktemp("reproduce") / "catalog.sqlite"
    ids = train_runs(path, {"root": {**BASE, "name": "root"}})
    ids |= train_runs(path, {"child": {**BASE, "name": "child", "init_from": str(ids["root"]),
                                       "lr": 0.01}})
    assert ids == {"root": 1, "child": 2}
    return path.parent


@pytest.fixture
def window(qtbot, settings, queue, _runs: Path, tmp_path: Path):  # noqa: ANN001, ANN201
    from app.gui.main_window import MainWindow

    catalog = Path(shutil.copytree(_runs, tmp_path / "runs")) / "catalog.sqlite"
    main = MainWindow(AppState(settings, catalog_path=catalog), queue)
    qtbot.addWidget(main)
    main.show()
    yield main
    queue.stop_all()


def _show(qtbot, window, run_id: int):  # noqa: ANN001, ANN202
    page = window.show_page("Catalog")
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT_MS)
    with qtbot.waitSignal(page.detail.loaded, timeout=WAIT_MS,
                          check_params_cb=lambda loaded: loaded == run_id):
        page.select_runs([run_id])
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT_MS)
    return page.detail


def _train_outside(window, runs: dict) -> None:  # noqa: ANN001
    """A run trained by another process, as far as the window knows: it hears of it."""
    train_runs(window.state.catalog.path, runs)
    window.state.runs_changed.emit()


def _click(qtbot, button) -> None:  # noqa: ANN001
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _without_name(config) -> dict:  # noqa: ANN001
    return {key: value for key, value in config.items() if key != "name"}


@pytest.mark.parametrize("run_id", [1, 2], ids=["scratch", "fine-tuned"])
def test_use_these_settings_fills_the_form_opens_the_runs_data_and_trains_the_same_config(
        qtbot, window, queue, run_id: int) -> None:  # noqa: ANN001
    state = window.state
    open_dataset(qtbot, state, SHAPES)  # another dataset is open
    detail = _show(qtbot, window, run_id)
    source = state.catalog.get_run_record(run_id)
    assert detail.actions.settings_button.isVisibleTo(window)

    with qtbot.waitSignal(state.dataset_changed, timeout=LOAD_TIMEOUT_MS):
        _click(qtbot, detail.actions.settings_button)

    models = window.pages["Models"]
    assert window.stack.currentWidget() is models
    assert Path(state.dataset.path) == TOPICS
    assert models.options_form.values()["embed_dim"] == 24
    assert models.run_form.values()["lr"] == source.config["lr"]
    assert models.run_form.values()["seed"] == 9
    banner = models.fine_tune_banner
    assert banner.isVisibleTo(window) == (run_id == 2)
    assert state.values.get("init_from") == source.config.get("init_from")
    qtbot.waitUntil(models.train_button.isEnabled, timeout=WAIT_MS)

    with qtbot.waitSignal(queue.idle, timeout=TRAIN_TIMEOUT_MS):
        _click(qtbot, models.train_button)

    trained = state.catalog.list_runs(limit=1)[0]
    assert trained.id == 3 and trained.status == "completed", trained.message
    assert _without_name(trained.config) == _without_name(source.config)
    assert trained.parent_run_id == source.parent_run_id and trained.reproduces_run_id is None


def test_reproduce_queues_a_linked_run_with_the_same_test_metrics(
        qtbot, window, queue) -> None:  # noqa: ANN001
    detail = _show(qtbot, window, 2)

    with qtbot.waitSignal(queue.idle, timeout=TRAIN_TIMEOUT_MS):
        with qtbot.waitSignal(detail.reproduce_queued, timeout=WAIT_MS):
            _click(qtbot, detail.actions.reproduce_button)
        assert window.stack.currentWidget() is window.pages["Training"]

    catalog = window.state.catalog
    original, copy = catalog.get_run_record(2), catalog.get_run_record(3)
    assert copy.status == "completed", copy.message
    assert (copy.reproduces_run_id, copy.parent_run_id) == (2, 1)
    assert copy.name == "child (reproduces #2)"
    assert dict(copy.test_metrics) == dict(original.test_metrics)


def test_a_changed_dataset_is_asked_about_before_anything_is_queued(
        qtbot, window, queue, tmp_path: Path) -> None:  # noqa: ANN001
    table = Path(shutil.copyfile(TOPICS, tmp_path / "topics.csv"))
    _train_outside(window, {"copy": {**BASE, "dataset": str(table)}})
    with table.open("a", encoding="utf-8") as handle:
        handle.write("a brand new sentence about the weather today,weather\n")
    detail = _show(qtbot, window, 3)
    actions = detail.actions

    _click(qtbot, actions.reproduce_button)
    qtbot.waitUntil(lambda: actions.question is not None, timeout=WAIT_MS)
    assert "changed since run 3" in actions.question.text()
    _click(qtbot, actions.question.button(QMessageBox.StandardButton.Cancel))
    assert actions.question is None and not queue.busy and not queue.pending

    _click(qtbot, actions.reproduce_button)
    qtbot.waitUntil(lambda: actions.question is not None, timeout=WAIT_MS)
    anyway = next(b for b in actions.question.buttons() if b.text() == "Reproduce anyway")
    with qtbot.waitSignal(queue.idle, timeout=TRAIN_TIMEOUT_MS):
        _click(qtbot, anyway)

    copy = Catalog(window.state.catalog.path).get_run_record(4)
    assert copy.reproduces_run_id == 3 and copy.status == "completed", copy.message


def test_a_run_whose_dataset_is_gone_says_so(qtbot, window, queue, tmp_path: Path) -> None:  # noqa: ANN001
    table = Path(shutil.copyfile(TOPICS, tmp_path / "gone.csv"))
    _train_outside(window, {"gone": {**BASE, "dataset": str(table)}})
    table.unlink()
    page = window.show_page("Catalog")
    detail = _show(qtbot, window, 3)

    _click(qtbot, detail.actions.reproduce_button)
    qtbot.waitUntil(lambda: not detail.busy, timeout=WAIT_MS)

    assert page.message.isVisibleTo(window) and "Run 3 cannot be reproduced" in \
        page.message.label.text() and "gone.csv" in page.message.label.text()
    assert not queue.busy and not queue.pending
