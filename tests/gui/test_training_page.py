"""The Training page end to end: real window, real queue, real (tiny) training on the samples.

Runs use the ``mlp`` on the bundled shapes, which trains an epoch in well under a second, so
every test waits on signals (never sleeps) and the whole file stays around a minute.
"""

from __future__ import annotations

import time

from conftest import SHAPES, TRAIN_TIMEOUT_MS, job_event, open_dataset
from PySide6.QtWidgets import QApplication, QDialog

from app.core.engine import Paused
from app.core.jobs import JobEnded
from app.gui.pages._training_plots import TRAIN_ACC, TRAIN_RAW, TRAIN_SMOOTH, VAL_ACC, VAL_LOSS
from app.gui.plots import REDRAW_MS
from app.gui.workers import StepBatch


def training_page(qtbot, window, state, model="mlp", **values):  # noqa: ANN001, ANN003, ANN201
    """Open the shapes sample, choose the fast ``mlp`` (or ``model``) with ``values``, show
    the page."""
    open_dataset(qtbot, state, SHAPES)
    state.set_model(model)
    state.update_values({"epochs": 2, "batch_size": 32, "log_every": 2, **values})
    return window.show_page("Training")


def test_start_trains_to_completed_with_live_plots(qtbot, window, state, queue) -> None:
    page = training_page(qtbot, window, state, model="lenet5")  # learns shapes in 2 epochs
    assert "lenet5" in page.summary_label.text() and "shapes" in page.summary_label.text()
    assert page.start_button.text() == "Start" and not page.stop_button.isEnabled()
    redraws_before = page.plots.redraws
    began = time.monotonic()
    with qtbot.waitSignal(state.runs_changed, timeout=TRAIN_TIMEOUT_MS):  # the run exists
        page.start_button.click()
    assert page.stop_button.isEnabled() and page.pause_button.isEnabled()
    assert page.start_button.text() == "Add to queue"
    with job_event(qtbot, queue, JobEnded) as outcome:
        pass
    qtbot.waitUntil(lambda: not queue.busy, timeout=TRAIN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not (page.plots.loss.redraw_pending  # the timers draw what
                                 or page.plots.accuracy.redraw_pending), timeout=5_000)  # came
    wall = time.monotonic() - began

    assert outcome.args[0].outcome.status == "completed"
    runs = state.catalog.list_runs()
    assert [(run.id, run.status) for run in runs] == [(outcome.args[0].outcome.run_id, "completed")]
    assert page.messages.isVisible() and page.messages.kind == "success"
    assert f"Run {runs[0].id} completed" in page.messages.text
    loss, accuracy = page.plots.loss, page.plots.accuracy
    assert loss.point_count(TRAIN_RAW) >= 2
    assert loss.point_count(TRAIN_SMOOTH) == loss.point_count(TRAIN_RAW)
    assert loss.point_count(VAL_LOSS) == 2
    assert accuracy.point_count(TRAIN_ACC) == accuracy.point_count(VAL_ACC) == 2
    # Two plots, each at most one redraw per timer tick, plus the clears when the run started.
    redraws = page.plots.redraws - redraws_before
    assert 0 < redraws <= 2 * (wall * 1000 / REDRAW_MS + 2) + 2
    status = page.status
    assert status.progress.value() == status.progress.maximum()
    assert status.counter_label.text().startswith("epoch 2/2 · step ")
    assert status.device_label.text() == "cpu" or status.device_label.text().startswith(
        ("cuda", "mps"))
    assert status.memory_label.text() != "—"  # measured by the engine, sent in its events
    assert page.start_button.text() == "Start" and not page.stop_button.isEnabled()


def test_an_invalid_config_says_why_inline(qtbot, window, state, queue) -> None:
    page = window.show_page("Training")
    assert "Not ready" in page.summary_label.text()
    page.start_button.click()
    page.start_button.click()  # a second click replaces the message, no dialog pile-up
    assert page.messages.kind == "error"
    assert "open a dataset first" in page.messages.text
    assert not queue.busy and queue.pending == []
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QDialog) and w.isVisible()]


def test_pause_holds_the_step_counter_until_resume(qtbot, window, state, queue) -> None:
    page = training_page(qtbot, window, state, epochs=8, batch_size=8, log_every=1)
    with job_event(qtbot, queue, StepBatch):
        page.start_button.click()
    with job_event(qtbot, queue, Paused, where=lambda event: event.paused):
        page.pause_button.click()
    assert page.pause_button.text() == "Resume"
    assert page.status.state_label.text() == "paused"
    step, points = page.status.global_step, page.plots.loss.point_count(TRAIN_RAW)
    text = page.status.counter_label.text()
    with qtbot.assertNotEmitted(queue.event, wait=400):  # a paused job reports nothing
        pass
    assert page.status.global_step == step and page.status.counter_label.text() == text
    assert page.plots.loss.point_count(TRAIN_RAW) == points

    with job_event(qtbot, queue, Paused, where=lambda event: not event.paused):
        page.pause_button.click()
    assert page.pause_button.text() == "Pause"
    with job_event(qtbot, queue, JobEnded) as outcome:
        pass
    assert outcome.args[0].outcome.status == "completed"
    assert page.status.global_step > step
    assert state.catalog.get_run_record(outcome.args[0].outcome.run_id).status == "completed"


def test_queued_runs_train_one_after_another(qtbot, window, state, queue) -> None:
    page = training_page(qtbot, window, state, epochs=1, name="first")
    outcomes = []
    queue.event.connect(lambda event: outcomes.append(event.outcome)
                        if isinstance(event, JobEnded) else None)
    page.start_button.click()
    state.update_values({"name": "second"})
    page.start_button.click()
    state.update_values({"name": "removed"})
    page.start_button.click()
    view = page.queue_view.list
    labels = [view.item(i).text() for i in range(view.count())]
    assert labels[0].startswith("▶ first") and "second" in labels[1] and "removed" in labels[2]
    view.setCurrentRow(2)
    assert page.queue_view.remove_button.isEnabled()
    page.queue_view.remove_button.click()
    assert [job.label for job in queue.pending] == ["second"]

    qtbot.waitUntil(lambda: len(outcomes) == 2 and not queue.busy, timeout=TRAIN_TIMEOUT_MS)
    assert [(o.name, o.status) for o in outcomes] == [("first", "completed"),
                                                       ("second", "completed")]
    runs = sorted(state.catalog.list_runs(), key=lambda run: run.id)
    assert [(run.name, run.status) for run in runs] == [("first", "completed"),
                                                       ("second", "completed")]
    assert f"Run {runs[1].id} completed" in page.messages.text
