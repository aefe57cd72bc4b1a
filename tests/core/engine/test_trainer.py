"""The training loop on boring data: events, learning, stop, pause, divergence, early stop."""

from __future__ import annotations

import threading

import pytest
import torch
from boring import make_boring_data, make_config, make_model, make_trainer
from engine_recording import Recorder

from app.core.engine import (
    COMPLETED,
    DIVERGED,
    STOPPED,
    Checkpointing,
    EpochEnd,
    Paused,
    RunControl,
    RunFinished,
    RunStarted,
    StepEnd,
    load_checkpoint,
)


def test_events_arrive_in_order_and_the_model_learns(boring_data) -> None:
    recorder = Recorder()
    result = make_trainer(make_config(epochs=4), boring_data, make_model(),
                     callbacks=[recorder]).fit()

    assert result.status == COMPLETED
    assert isinstance(recorder.events[0], RunStarted)
    assert isinstance(recorder.events[-1], RunFinished)
    epochs = recorder.of(EpochEnd)
    assert [e.epoch for e in epochs] == [1, 2, 3, 4]
    steps_per_epoch = recorder.events[0].steps_per_epoch
    assert steps_per_epoch == 15  # 240 samples / 16
    # A StepEnd every log_every=5 steps, the last of each epoch included.
    assert [s.step for s in recorder.of(StepEnd)][:3] == [5, 10, 15]
    assert epochs[-1].train_loss < epochs[0].train_loss
    assert result.test_metrics["accuracy"] > 0.8  # chance is 1/3
    assert recorder.events[-1].test_metrics == result.test_metrics


def test_best_epoch_tracks_the_monitored_metric(boring_data) -> None:
    recorder = Recorder()
    result = make_trainer(make_config(epochs=4, monitor="val_accuracy"), boring_data, make_model(),
                     callbacks=[recorder]).fit()
    epochs = recorder.of(EpochEnd)
    best = max(epochs, key=lambda e: (e.val_accuracy, -e.epoch))
    assert result.best_metric_name == "val_accuracy"
    assert result.best_epoch == best.epoch
    assert result.best_metric == pytest.approx(best.val_accuracy)


def test_stop_request_ends_the_run_within_a_step(boring_data, tmp_path) -> None:
    control = RunControl()
    seen_after_stop: list[StepEnd] = []

    def stop_at_step_5_of_epoch_2(event: StepEnd) -> None:
        if control.stop_requested:
            seen_after_stop.append(event)
        elif event.epoch == 2 and event.step == 5:
            control.request_stop()

    recorder = Recorder(on_step=stop_at_step_5_of_epoch_2)
    checkpointing = Checkpointing(tmp_path / "checkpoint.pt")
    result = make_trainer(make_config(epochs=5), boring_data, make_model(),
                          callbacks=[recorder, checkpointing],
                     control=control).fit()

    assert result.status == STOPPED
    assert result.epochs_done == 1
    assert seen_after_stop == []  # not a single further step was reported
    assert "stopped after epoch 1" in result.message
    assert load_checkpoint(tmp_path / "checkpoint.pt")["epoch"] == 1


def test_pause_blocks_the_loop_until_resumed(boring_data) -> None:
    control = RunControl()
    entered_pause = threading.Event()
    steps_while_paused: list[int] = []

    class PauseOnce(Recorder):
        def on_step_end(self, event: StepEnd) -> None:
            super().on_step_end(event)
            if entered_pause.is_set() and control.paused:
                steps_while_paused.append(event.global_step)
            if event.global_step == 5:
                control.pause()

        def on_paused(self, event: Paused) -> None:
            super().on_paused(event)
            if event.paused:
                entered_pause.set()

    def resume_once_the_loop_waits() -> None:
        entered_pause.wait(timeout=60)
        control.resume()

    thread = threading.Thread(target=resume_once_the_loop_waits)
    thread.start()
    recorder = PauseOnce()
    result = make_trainer(make_config(epochs=2), boring_data, make_model(), callbacks=[recorder],
                     control=control).fit()
    thread.join(timeout=60)

    assert result.status == COMPLETED
    assert steps_while_paused == []
    pauses = [e for e in recorder.events if isinstance(e, tuple) and e[0] == "paused"]
    assert pauses == [("paused", True), ("paused", False)]
    assert sum(1 for e in recorder.of(EpochEnd)) == 2


def test_a_stop_while_paused_wakes_the_loop_and_stops(boring_data) -> None:
    control = RunControl()

    def pause_then_stop(event: StepEnd) -> None:
        control.pause()
        threading.Thread(target=control.request_stop).start()

    result = make_trainer(make_config(epochs=3), boring_data, make_model(),
                     callbacks=[Recorder(on_step=pause_then_stop)], control=control).fit()
    assert result.status == STOPPED


def test_nan_loss_ends_the_run_as_diverged_with_advice(boring_data) -> None:
    model = make_model()
    with torch.no_grad():  # weights that overflow: the first loss is inf/NaN
        model.classifier.weight.fill_(float("inf"))
    recorder = Recorder()
    result = make_trainer(make_config(lr=0.5), boring_data, model, callbacks=[recorder]).fit()
    assert result.status == DIVERGED
    assert "learning rate" in result.message and "0.5" in result.message
    assert "epoch 1, step 5" in result.message
    assert recorder.events[-1].status == DIVERGED
    assert result.test_metrics is None


def test_early_stopping_stops_after_patience_epochs_without_improvement() -> None:
    # Validation accuracy saturates within a few epochs; after that nothing improves.
    data = make_boring_data(train=120, val=30)
    recorder = Recorder()
    config = make_config(epochs=60, lr=0.05, early_stopping_patience=3, monitor="val_accuracy")
    result = make_trainer(config, data,
                     make_model(), callbacks=[recorder]).fit()
    epochs = recorder.of(EpochEnd)
    assert result.status == COMPLETED
    assert len(epochs) < 60
    assert len(epochs) - result.best_epoch == 3
    assert "early stopping" in result.message


@pytest.mark.parametrize("scheduler", ["step", "cosine", "onecycle", "plateau"])
def test_schedules_change_the_learning_rate(boring_data, scheduler) -> None:
    recorder = Recorder()
    config = make_config(epochs=4, scheduler=scheduler, step_size=1, gamma=0.5,
                         optimizer="sgd", lr=0.5)
    result = make_trainer(config, boring_data, make_model(), callbacks=[recorder]).fit()
    rates = [e.lr for e in recorder.of(EpochEnd)]
    assert result.status == COMPLETED
    if scheduler == "plateau":
        assert min(rates) <= 0.5  # may or may not have decayed, never grows
    else:
        assert rates[-1] < rates[0]


def test_without_a_schedule_the_rate_stays(boring_data) -> None:
    recorder = Recorder()
    make_trainer(make_config(epochs=2), boring_data, make_model(), callbacks=[recorder]).fit()
    assert {e.lr for e in recorder.of(EpochEnd)} == {0.02}


def test_regularisers_are_accepted_and_training_still_learns(boring_data) -> None:
    config = make_config(epochs=4, optimizer="adamw", weight_decay=0.01, label_smoothing=0.1,
                         grad_clip=1.0)
    result = make_trainer(config, boring_data, make_model()).fit()
    assert result.status == COMPLETED and result.test_metrics["accuracy"] > 0.7


def test_restore_best_tests_the_best_epochs_weights(boring_data) -> None:
    saved: dict[int, dict[str, torch.Tensor]] = {}

    class KeepBest(Recorder):
        def on_save(self, event: EpochEnd, snapshot) -> None:  # noqa: ANN001
            if event.is_best:
                saved[event.epoch] = snapshot.model_state()

    model = make_model()
    result = make_trainer(make_config(epochs=3), boring_data, model,
                          callbacks=[KeepBest()]).fit()
    best = saved[result.best_epoch]
    for name, value in model.state_dict().items():
        assert torch.equal(value, best[name])


def test_a_callback_error_fails_the_run_with_its_message(boring_data) -> None:
    def explode(event: EpochEnd) -> None:
        raise RuntimeError("disk full")

    recorder = Recorder(on_epoch=explode)
    result = make_trainer(make_config(), boring_data, make_model(), callbacks=[recorder]).fit()
    assert result.status == "failed"
    assert "disk full" in result.message
