"""First launch, what the window remembers, and closing it while a run trains."""

from __future__ import annotations

from conftest import SHAPES, job_event, open_dataset
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.engine import EpochEnd, RunStarted
from app.core.jobs import TrainJob
from app.gui import open_window
from app.gui.main_window import MainWindow
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.paths import sample_dataset

WAIT_MS = 60_000


def test_first_launch_opens_the_bundled_sample_ready_to_train(qtbot, settings, tmp_path) -> None:  # noqa: ANN001
    window = open_window(catalog=tmp_path / "catalog.sqlite", settings=settings)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.state.dataset is not None, timeout=WAIT_MS)
    assert window.state.dataset.path == sample_dataset("image")
    assert window.state.model_name == "small_cnn"
    window.state.build_config()  # a complete, valid run: Train needs no more input


def test_the_window_remembers_geometry_dataset_catalog_and_values(  # noqa: ANN001
        qtbot, settings, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MODELDESK_CATALOG")  # the environment would override the last catalog
    catalog = tmp_path / "mine.sqlite"
    state = AppState(settings, catalog_path=catalog)
    first = MainWindow(state, TrainingQueue())
    qtbot.addWidget(first)
    first.show()
    open_dataset(qtbot, state, SHAPES)
    state.set_model("lenet5")
    state.update_values({"epochs": 7, "lr": 0.02})
    first.resize(1100, 720)
    first.close()

    again = AppState(settings)  # no catalog given: the last one is reopened
    second = MainWindow(again, TrainingQueue())
    qtbot.addWidget(second)
    assert again.catalog.path.resolve() == catalog.resolve()
    assert settings.last_dataset() == str(SHAPES)
    assert again.model_name == "lenet5"
    assert again.values["epochs"] == 7 and again.values["lr"] == 0.02
    # The offscreen screen is 800 px wide, so only the height survives Qt's clamping intact.
    assert settings.geometry() is not None and second.height() == 720


def test_closing_during_training_asks_then_stops_and_keeps_the_checkpoint(  # noqa: ANN001
        qtbot, window, state, queue) -> None:
    open_dataset(qtbot, state, SHAPES)
    state.set_model("mlp")
    state.update_values({"epochs": 200, "batch_size": 8, "threads": 1})
    with job_event(qtbot, queue, EpochEnd):
        queue.enqueue(TrainJob(state.build_config()), state.catalog.path)

    def answer(button: QMessageBox.StandardButton) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:  # the dialog is not up yet
            QTimer.singleShot(20, lambda: answer(button))

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.No))
    window.close()
    assert window.isVisible() and queue.busy  # "No" keeps the window and the run

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Yes))
    window.close()
    assert not window.isVisible()
    qtbot.waitUntil(lambda: not queue.busy, timeout=WAIT_MS)  # the thread has already ended
    run = state.catalog.list_runs()[0]
    assert run.status == "stopped" and run.epochs_done >= 1
    detail = state.catalog.get_run(run.id)
    assert "checkpoint" in {artifact.kind for artifact in detail.artifacts}


def test_after_stop_all_the_queue_is_idle_at_once_and_closing_does_not_ask(  # noqa: ANN001
        qtbot, window, state, queue) -> None:
    open_dataset(qtbot, state, SHAPES)
    state.set_model("mlp")
    state.update_values({"epochs": 200, "batch_size": 8, "threads": 1})
    with job_event(qtbot, queue, RunStarted):
        queue.enqueue(TrainJob(state.build_config()), state.catalog.path)
    assert queue.stop_all(wait_ms=60_000)
    assert not queue.busy  # no event-loop turn needed: a window closing next must not ask

    asked: list[str] = []

    def refuse_any_dialog() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            box.button(QMessageBox.StandardButton.No).click()

    QTimer.singleShot(200, refuse_any_dialog)
    window.close()
    assert asked == [] and not window.isVisible()
    assert state.catalog.list_runs()[0].status == "stopped"


def test_queued_runs_survive_quitting_and_are_offered_at_the_next_launch(  # noqa: ANN001
        qtbot, settings, tmp_path) -> None:
    from app.core.jobs import ResumeJob
    from app.gui.saved_queue import offer_saved_queue

    catalog = tmp_path / "catalog.sqlite"
    state, queue = AppState(settings, catalog_path=catalog), TrainingQueue()
    window = MainWindow(state, queue)
    qtbot.addWidget(window)
    open_dataset(qtbot, state, SHAPES)
    state.set_model("mlp")
    state.update_values({"epochs": 200, "batch_size": 8, "threads": 1, "name": "long"})
    with job_event(qtbot, queue, EpochEnd):
        queue.enqueue(TrainJob(state.build_config()), state.catalog.path)
    for name in ("second", "third"):
        state.update_values({"name": name, "epochs": 1})
        queue.enqueue(TrainJob(state.build_config()), state.catalog.path)
    run_id = queue.current_run_id
    asked: list[str] = []

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer_yes)
            return
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, answer_yes)
    window.close()
    qtbot.waitUntil(lambda: not queue.busy, timeout=WAIT_MS)
    assert f"Training: long (run {run_id})" in asked[0]
    assert "Queued: second" in asked[0] and "Queued: third" in asked[0]
    assert "offered again" in asked[0]
    assert state.catalog.get_run_record(run_id).status == "stopped"
    assert [job["kind"] for job in settings.saved_queue(str(state.catalog.path))] == [
        "resume", "train", "train"]

    # The next launch on the same catalog lists them and queues them on "Queue again".
    again_state, again_queue = AppState(settings, catalog_path=catalog), TrainingQueue()
    again = MainWindow(again_state, again_queue)
    qtbot.addWidget(again)
    boxes: list[QMessageBox] = []
    offer_saved_queue(again, on_shown=boxes.append)
    qtbot.waitUntil(lambda: bool(boxes), timeout=WAIT_MS)
    text = boxes[0].text()
    assert "3 run(s) were queued or training" in text
    assert f"resume run {run_id}" in text and "second" in text and "third" in text
    again_button = next(b for b in boxes[0].buttons() if b.text() == "Queue again")
    again_button.click()
    jobs = again_queue.unfinished_jobs()
    assert jobs[0] == ResumeJob(run_id) and [job.label for job in jobs[1:]] == ["second",
                                                                               "third"]
    assert again_queue.stop_all(wait_ms=WAIT_MS)
    qtbot.waitUntil(lambda: not again_queue.busy, timeout=WAIT_MS)


def test_discarding_the_saved_queue_forgets_it(qtbot, settings, tmp_path) -> None:  # noqa: ANN001
    from app.core.jobs import job_to_json
    from app.gui.saved_queue import offer_saved_queue

    state = AppState(settings, catalog_path=tmp_path / "catalog.sqlite")
    open_dataset(qtbot, state, SHAPES)
    state.set_model("mlp")
    saved = [job_to_json(TrainJob(state.build_config()))]
    settings.set_saved_queue(str(state.catalog.path), saved)
    window = MainWindow(state, TrainingQueue())
    qtbot.addWidget(window)
    boxes: list[QMessageBox] = []
    offer_saved_queue(window, on_shown=boxes.append)
    qtbot.waitUntil(lambda: bool(boxes), timeout=WAIT_MS)
    next(b for b in boxes[0].buttons() if b.text() == "Discard").click()
    assert settings.saved_queue(str(state.catalog.path)) == []
    assert not window.queue.busy and window.queue.pending == []
