"""Models → processes: 2 → Train: the window launches the run as two local processes (real
torchrun, gloo on the CPU), draws its epochs live from the events they report, and the Catalog
holds one run of world size 2; Pause is not offered for it, Stop is."""

from __future__ import annotations

from conftest import TOPICS, TRAIN_TIMEOUT_MS, job_event, open_dataset
from PySide6.QtCore import Qt

from app.core.engine import EpochEnd
from app.core.jobs import JobEnded, LaunchedJob


def test_a_run_of_two_local_processes_from_the_models_page(qtbot, window) -> None:  # noqa: ANN001
    state = window.state
    open_dataset(qtbot, state, TOPICS)
    state.set_model("bag_of_embeddings")
    state.update_values({"epochs": 3, "batch_size": 16, "threads": 1, "name": "two of us"})
    models = window.show_page("Models")
    models.processes.setValue(2)
    qtbot.waitUntil(models.train_button.isEnabled, timeout=TRAIN_TIMEOUT_MS)
    epochs: list[int] = []
    window.queue.event.connect(lambda e: epochs.append(e.epoch)
                               if isinstance(e, EpochEnd) else None)
    ended = job_event(qtbot, window.queue, JobEnded)
    with ended:
        qtbot.mouseClick(models.train_button, Qt.MouseButton.LeftButton)
        assert isinstance(window.queue.current.job, LaunchedJob)
        training = window.pages["Training"]
        qtbot.waitUntil(lambda: window.queue.busy)
        assert training.stop_button.isEnabled() and not training.pause_button.isEnabled()
    outcome = ended.args[0].outcome
    assert outcome is not None and outcome.status == "completed", ended.args[0].error
    assert epochs == [1, 2, 3]
    run = state.catalog.get_run_record(outcome.run_id)
    assert run.environment["distributed"]["world_size"] == 2 and run.name == "two of us"
