"""How runs end on the Training page: stopped (and resumed as the same run), diverged, failed."""

from __future__ import annotations

from conftest import SHAPES, TRAIN_TIMEOUT_MS, job_event, open_dataset

from app.core.engine import EpochEnd, RunStarted
from app.core.jobs import JobEnded, TrainJob
from app.core.models import RunFolder
from app.gui.pages._training_plots import TRAIN_RAW, VAL_LOSS


def training_page(qtbot, window, state, **values):  # noqa: ANN001, ANN003, ANN201
    open_dataset(qtbot, state, SHAPES)
    state.set_model("mlp")
    state.update_values({"epochs": 2, "batch_size": 32, "log_every": 2, **values})
    return window.show_page("Training")


def test_a_stopped_run_resumes_as_the_same_run(qtbot, window, state, queue) -> None:
    page = training_page(qtbot, window, state, epochs=6, batch_size=8)
    with job_event(qtbot, queue, EpochEnd):  # a checkpoint exists now
        page.start_button.click()
    with job_event(qtbot, queue, JobEnded) as stopped:
        page.stop_button.click()
        assert not page.stop_button.isEnabled()
    outcome = stopped.args[0].outcome
    assert outcome.status == "stopped" and 1 <= outcome.epochs_done < 6
    run_id = outcome.run_id
    record = state.catalog.get_run_record(run_id)
    assert record.status == "stopped"
    assert RunFolder(state.catalog.run_dir(run_id)).checkpoint.exists()
    assert page.messages.kind == "warning"
    assert page.messages.text == (
        f"Run {run_id} stopped after epoch {outcome.epochs_done} — resume it from the Catalog "
        "page or with the Resume button.")
    assert page.messages.resume_button.isVisible()
    assert page.messages.resume_button.text() == f"Resume run {run_id}"
    qtbot.waitUntil(lambda: not queue.busy, timeout=TRAIN_TIMEOUT_MS)

    with job_event(qtbot, queue, RunStarted) as started:
        page.messages.resume_button.click()
    assert started.args[0].start_epoch == outcome.epochs_done
    # The plots show the epochs trained before the stop, read back from the catalog.
    assert page.plots.loss.point_count(VAL_LOSS) == outcome.epochs_done
    assert page.plots.loss.point_count(TRAIN_RAW) > 0
    assert page.status.progress.value() == outcome.epochs_done * started.args[0].steps_per_epoch
    with job_event(qtbot, queue, JobEnded) as resumed:
        pass
    assert (resumed.args[0].outcome.run_id, resumed.args[0].outcome.status) == (run_id, "completed")
    assert [(run.id, run.status) for run in state.catalog.list_runs()] == [(run_id, "completed")]
    assert f"Run {run_id} completed" in page.messages.text


def test_divergence_is_a_message_and_the_next_run_works(qtbot, window, state, queue) -> None:
    # Seeded: the mlp on shapes with plain SGD at lr 10 explodes within epoch 1.
    page = training_page(qtbot, window, state, optimizer="sgd", lr=10.0)
    with job_event(qtbot, queue, JobEnded) as diverged:
        page.start_button.click()
    assert diverged.args[0].outcome.status == "diverged"
    assert page.messages.kind == "error"
    assert f"Run {diverged.args[0].outcome.run_id} diverged" in page.messages.text
    assert "lower learning rate" in page.messages.text
    assert state.catalog.get_run_record(diverged.args[0].outcome.run_id).status == "diverged"
    qtbot.waitUntil(lambda: not queue.busy, timeout=TRAIN_TIMEOUT_MS)

    state.update_values({"optimizer": "adam", "lr": 1e-3, "epochs": 4})  # enough to learn
    with job_event(qtbot, queue, JobEnded) as recovered:
        page.start_button.click()
    assert recovered.args[0].outcome.status == "completed"
    assert page.messages.kind == "success"


def test_a_run_that_cannot_start_is_reported_in_the_window(qtbot, window, state, queue,
                                                           tmp_path) -> None:
    page = training_page(qtbot, window, state)
    config = state.build_config().replace(dataset=str(tmp_path / "gone"))
    with job_event(qtbot, queue, JobEnded):
        queue.enqueue(TrainJob(config), state.catalog.path)
    assert page.messages.kind == "error" and page.messages.text.startswith("Could not start: ")
    assert str(tmp_path / "gone") in page.messages.text
    qtbot.waitUntil(lambda: not queue.busy, timeout=TRAIN_TIMEOUT_MS)
    assert page.start_button.isEnabled() and not page.stop_button.isEnabled()
