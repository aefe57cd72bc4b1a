"""The engine's seams: ``StopRun`` from callbacks, rank-zero-only callbacks, the strategy, and
the divergence watcher. Boring data, milliseconds each.

These are the contracts a search pruner, a distributed strategy and the file writers rely on,
so each test pins down what the loop does *around* the callback that acts, not only the status.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
import torch
from boring import make_config, make_model, make_trainer
from engine_recording import Recorder

from app.core.engine import (
    COMPLETED,
    DIVERGED,
    FAILED,
    PRUNED,
    Callback,
    Checkpointing,
    DivergenceWatcher,
    EpochEnd,
    RunFinished,
    SingleDevice,
    StepEnd,
    StopRun,
    load_checkpoint,
)
from app.core.errors import ModelDeskError


def raising(hook: str, error: Exception, when: Callable[[Any], bool] = lambda e: True
            ) -> Callback:
    """A callback whose ``hook`` raises ``error`` once ``when(event)`` holds (a pruner's shape)."""

    def method(self: Callback, event: Any, *rest: Any) -> None:
        if when(event):
            raise error

    return type("Raising", (Callback,), {hook: method})()


class RankZeroRecorder(Recorder):
    rank_zero_only = True


class OtherRank(SingleDevice):
    """A stand-in for "another process" of a multi-process run, inside one process."""

    rank = 1


def _saves(recorder: Recorder) -> list[int]:
    return [e[1] for e in recorder.events if isinstance(e, tuple) and e[0] == "save"]


def test_stop_run_pruned_in_epoch_end_ends_after_that_epoch_saved_and_untested(
        boring_data, tmp_path) -> None:
    before, after = Recorder(), Recorder()
    pruner = raising("on_epoch_end", StopRun(PRUNED, "trial 3 pruned at epoch 2"),
                     when=lambda e: e.epoch == 2)
    checkpointing = Checkpointing(tmp_path / "checkpoint.pt")
    result = make_trainer(make_config(epochs=5), boring_data, make_model(),
                          callbacks=[before, pruner, after, checkpointing]).fit()

    assert (result.status, result.message) == (PRUNED, "trial 3 pruned at epoch 2")
    assert result.epochs_done == 2
    assert result.test_metrics is None and result.test_predictions is None
    for recorder in (before, after):  # the raiser did not keep the event from anyone
        assert [e.epoch for e in recorder.of(EpochEnd)] == [1, 2]
        assert _saves(recorder) == [1, 2]
        finished = recorder.events[-1]
        assert isinstance(finished, RunFinished)
        assert (finished.status, finished.message) == (PRUNED, "trial 3 pruned at epoch 2")
        assert finished.test_metrics is None
    assert load_checkpoint(tmp_path / "checkpoint.pt")["epoch"] == 2  # on_save still ran


def test_stop_run_in_step_end_ends_within_the_epoch(boring_data, tmp_path) -> None:
    after = Recorder()
    pruner = raising("on_step_end", StopRun(PRUNED, "pruned mid-epoch"),
                     when=lambda s: (s.epoch, s.step) == (2, 10))
    checkpointing = Checkpointing(tmp_path / "checkpoint.pt")
    result = make_trainer(make_config(epochs=4), boring_data, make_model(),
                          callbacks=[pruner, after, checkpointing]).fit()

    assert (result.status, result.message, result.epochs_done) == (PRUNED, "pruned mid-epoch", 1)
    assert [e.epoch for e in after.of(EpochEnd)] == [1]  # epoch 2 never ended
    assert [(s.epoch, s.step) for s in after.of(StepEnd)][-1] == (2, 10)  # and nothing after
    assert _saves(after) == [1]
    assert load_checkpoint(tmp_path / "checkpoint.pt")["epoch"] == 1
    assert result.test_metrics is None


def test_stop_run_completed_in_epoch_end_stops_early_and_still_tests(boring_data) -> None:
    recorder = Recorder()
    enough = raising("on_epoch_end", StopRun(COMPLETED, "good enough"),
                     when=lambda e: e.epoch == 2)
    result = make_trainer(make_config(epochs=6), boring_data, make_model(),
                          callbacks=[enough, recorder]).fit()

    assert (result.status, result.message, result.epochs_done) == (COMPLETED, "good enough", 2)
    assert [e.epoch for e in recorder.of(EpochEnd)] == [1, 2]
    assert result.test_metrics is not None and 0 <= result.test_metrics["accuracy"] <= 1
    assert recorder.events[-1].test_metrics == result.test_metrics


def test_stop_run_completed_in_step_end_ends_within_the_epoch_and_tests(boring_data) -> None:
    recorder = Recorder()
    enough = raising("on_step_end", StopRun(COMPLETED, "good enough"),
                     when=lambda s: (s.epoch, s.step) == (2, 5))
    result = make_trainer(make_config(epochs=3), boring_data, make_model(),
                          callbacks=[enough, recorder]).fit()

    assert [e.train_loss > 0 for e in recorder.of(EpochEnd)] == [True]  # no epoch of zeros
    assert (result.status, result.message, result.epochs_done) == (COMPLETED, "good enough", 1)
    assert result.test_metrics is not None


@pytest.mark.parametrize("status", ["queued", "running", "interrupted", "PRUNED", ""])
def test_stop_run_refuses_a_status_the_engine_cannot_end_with(status: str) -> None:
    with pytest.raises(ModelDeskError, match="cannot be ended as"):
        StopRun(status, "whatever")


def test_an_error_in_on_save_fails_the_run_with_its_message(boring_data, tmp_path) -> None:
    recorder = Recorder()
    broken = raising("on_save", OSError(28, "No space left on device"))
    result = make_trainer(make_config(epochs=3), boring_data, make_model(),
                          callbacks=[recorder, broken]).fit()

    assert result.status == FAILED
    assert "OSError" in result.message and "No space left on device" in result.message
    assert result.epochs_done == 1 and result.test_metrics is None
    assert [e.epoch for e in recorder.of(EpochEnd)] == [1]
    assert [e.status for e in recorder.of(RunFinished)] == [FAILED]


def test_an_error_in_on_run_end_fails_the_run_once_without_raising(boring_data) -> None:
    recorder = Recorder()
    broken = raising("on_run_end", RuntimeError("catalog is gone"))
    result = make_trainer(make_config(epochs=1), boring_data, make_model(),
                          callbacks=[recorder, broken]).fit()

    assert result.status == FAILED and "catalog is gone" in result.message
    assert len(recorder.of(RunFinished)) == 1


@pytest.mark.parametrize("strategy", [SingleDevice(), OtherRank()], ids=["rank0", "rank1"])
def test_rank_zero_only_callbacks_run_on_global_zero_alone(boring_data, tmp_path,
                                                           strategy) -> None:
    ordinary, rank_zero = Recorder(), RankZeroRecorder()
    path = tmp_path / "run" / "checkpoint.pt"
    result = make_trainer(make_config(epochs=2), boring_data, make_model(), strategy=strategy,
                          callbacks=[ordinary, rank_zero, Checkpointing(path)]).fit()

    assert result.status == COMPLETED
    assert [e.epoch for e in ordinary.of(EpochEnd)] == [1, 2] and _saves(ordinary) == [1, 2]
    assert isinstance(ordinary.events[-1], RunFinished)
    if strategy.is_global_zero:
        assert rank_zero.events == ordinary.events
        assert load_checkpoint(path)["epoch"] == 2
    else:
        assert rank_zero.events == []
        assert list(tmp_path.iterdir()) == []  # no file, not even its folder


def test_single_device_epoch_order_is_a_seeded_permutation() -> None:
    strategy, cpu, n = SingleDevice(), torch.device("cpu"), 50

    def order(epoch: int, seed: int) -> list[int]:
        return strategy.epoch_indices(n, epoch, seed, cpu).tolist()

    assert sorted(order(1, 0)) == list(range(n))
    assert order(1, 0) == order(1, 0)  # a resumed run sees the same batches
    assert order(1, 0) != order(2, 0)
    assert order(1, 0) != order(1, 1)
    assert strategy.local_samples(n) == n and strategy.local_samples(0) == 0
    assert strategy.is_global_zero and strategy.world_size == 1


def test_the_loop_trains_on_the_indices_the_strategy_gives(boring_data) -> None:
    """A strategy that owns half the samples (as rank 0 of two would) halves the epoch."""

    class FirstHalf(SingleDevice):
        def epoch_indices(self, samples, epoch, seed, device):  # noqa: ANN001, ANN202
            return super().epoch_indices(samples // 2, epoch, seed, device)

        def local_samples(self, samples: int) -> int:
            return samples // 2

    recorder = Recorder()
    make_trainer(make_config(epochs=1, log_every=1), boring_data, make_model(),
                 strategy=FirstHalf(), callbacks=[recorder]).fit()
    steps = recorder.of(StepEnd)
    assert recorder.events[0].steps_per_epoch == 8  # 120 samples in batches of 16
    assert [s.step for s in steps] == list(range(1, 9))
    assert {s.steps_per_epoch for s in steps} == {8}


@pytest.mark.parametrize("loss", [math.nan, math.inf, -math.inf])
def test_divergence_watcher_turns_a_non_finite_loss_into_diverged(loss: float) -> None:
    def step(loss: float) -> StepEnd:
        return StepEnd(epoch=3, step=7, steps_per_epoch=10, global_step=27, loss=loss,
                       lr=0.125, samples_per_second=100.0)

    DivergenceWatcher(lr=0.125).on_step_end(step(3.0))  # a finite start is fine
    with pytest.raises(StopRun) as stop:
        DivergenceWatcher(lr=0.125).on_step_end(step(loss))
    assert stop.value.status == DIVERGED
    assert "0.125" in stop.value.message and "learning rate" in stop.value.message
    assert "epoch 3, step 7" in stop.value.message
