"""The training loop: prepared tensors and the training settings in, events out.

Batches are drawn by indexing in-memory tensors (no DataLoader: on a few CPU cores its
workers only add overhead). The loop reads the stop/pause token once per batch, validates
after every epoch and hands the epoch's state to the callbacks (``on_save``), which write the
checkpoint and the best weights; the loop itself writes no file. Callbacks end a run on
purpose with ``StopRun``; a strategy says which samples this process trains on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.core import testpoints
from app.core.augment import augmenter_for
from app.core.config import RuntimeConfig, TrainingConfig
from app.core.engine._best import BestTracker
from app.core.engine._callbacks import Callback, CallbackList, StopRun
from app.core.engine._control import RunControl
from app.core.engine._device import memory_in_use
from app.core.engine._divergence import DivergenceWatcher
from app.core.engine._evaluate import Predictions, compute_test_metrics, predict
from app.core.engine._events import (
    COMPLETED,
    DIVERGED,
    FAILED,
    PRUNED,
    STOPPED,
    EpochEnd,
    Paused,
    RunFinished,
    RunStarted,
    StepEnd,
)
from app.core.engine._health import health
from app.core.engine._optim import Schedule, build_optimizer
from app.core.engine._snapshot import Snapshot
from app.core.engine._state import TrainState
from app.core.engine._strategy import SingleDevice, Strategy
from app.core.statuses import INTERRUPTED

if TYPE_CHECKING:
    import torch
    from torch import nn

    from app.core.datasets import PreparedData, TensorSplit

log = logging.getLogger(__name__)
WARM_UP_THREAD = "import-torchmetrics"
_STOP_ORDER = (COMPLETED, PRUNED, STOPPED, DIVERGED, FAILED)
"""Statuses a callback may stop a run with, weakest first: where processes differ, the
strongest wins."""


@dataclass(frozen=True)
class FitResult(RunFinished):
    """What ``fit`` returns: the ``RunFinished`` event plus the test predictions, which stay
    with the caller instead of travelling to every callback."""

    test_predictions: Predictions | None = None


@dataclass(frozen=True)
class _EpochOutcome:
    """What ``_train_epoch`` hands back: its averages, or the stop that cut it short."""

    stop: StopRun | None = None
    loss: float = 0.0
    accuracy: float = 0.0


_Ending = tuple[str, str, "tuple[dict[str, Any], Predictions] | None"]
"""How ``_fit`` ended: status, message and (completed runs) the test metrics/predictions."""


class Trainer:
    """Trains ``model`` on ``data`` as ``training`` and ``runtime`` say.

    Not reentrant: one ``fit`` per Trainer. Without callbacks that save, nothing is written
    (fast engine tests).
    """

    def __init__(self, training: TrainingConfig, runtime: RuntimeConfig, data: PreparedData,
                 model: nn.Module, *, callbacks: Sequence[Callback] = (),
                 control: RunControl | None = None, strategy: Strategy | None = None) -> None:
        self.training, self.runtime = training, runtime
        self.data = data
        self.module = model  # the model as built; ``self.model`` may be a strategy's wrapper
        self.strategy = strategy or SingleDevice()
        watchers = (DivergenceWatcher(training.lr, data.num_classes),)
        self.callbacks = CallbackList((*watchers, *callbacks),
                                      is_global_zero=self.strategy.is_global_zero)
        self.control = control or RunControl()
        monitor = training.monitor if len(data.val) else "train_loss"
        self.state = TrainState(BestTracker(monitor, training.early_stopping_patience))
        self._best_val_accuracy: float | None = None

    # ----------------------------------------------------------------------------- public
    def fit(self, *, resume_from: Mapping[str, Any] | None = None) -> FitResult:
        """Train to the end, a stop request, a ``StopRun`` or an error; never raises for those.

        ``resume_from`` is a checkpoint as ``Snapshot.checkpoint()`` made it: training goes on
        after its epoch, bit for bit as if it had never stopped (on the CPU).
        """
        started = time.perf_counter()
        try:
            status, message, tested = self._fit(started, resume_from)
        except Exception as error:  # the run is recorded as failed, the caller decides more
            if self.strategy.lost_peer(error):  # another process of the run is gone
                log.warning("training interrupted: %s", error)
                status, message = INTERRUPTED, f"another process of the run ended ({error})"
            else:
                log.exception("training failed")
                status, message = FAILED, f"{type(error).__name__}: {error}"
            tested = None
        return self._finish(status, message, started, tested)

    # ---------------------------------------------------------------------------- the loop
    def _fit(self, started: float, resume_from: Mapping[str, Any] | None) -> _Ending:
        import torch

        training, state = self.training, self.state
        self._fit_started = started
        if self.runtime.threads:
            torch.set_num_threads(self.runtime.threads)
        self.device = self.strategy.device(self.runtime.device)
        self.model = self.strategy.setup(self.module, self.device)
        self._setup_precision()
        self._train_inputs, self._train_labels = self._place(self.data.train)
        self.augmenter = augmenter_for(training, self.runtime.seed, self._train_inputs,
                                       self.strategy.rank)
        self.optimizer = build_optimizer(training, self.module.parameters())
        self.steps_per_epoch = self._batch_count()
        _warm_up_metrics_import()
        self.schedule = Schedule(training, self.optimizer, self.steps_per_epoch)
        self.criterion = torch.nn.CrossEntropyLoss(label_smoothing=training.label_smoothing)
        self.module.train()
        state.note_fixed(self.module)
        if resume_from is not None:
            state.restore(resume_from, self.module, self.optimizer, self.schedule, self.scaler,
                          self.device)
        self.callbacks.on_run_start(self._run_started())
        stop, message = self._agreed_stop(), ""
        while stop is None and state.epoch < training.epochs:
            epoch_started = time.perf_counter()
            outcome = self._train_epoch(state.epoch + 1)
            if outcome.stop is not None:  # the epoch was cut short: it does not count
                stop = outcome.stop
                break
            state.epoch += 1
            self._end_epoch(outcome, time.perf_counter() - epoch_started)
            stop = self._agreed_stop()
            if stop is None and state.best.should_stop:
                best = state.best
                message = (f"early stopping: {best.monitor} did not improve for "
                           f"{best.patience} epochs (best at epoch {best.epoch})")
                break
        status = stop.status if stop is not None else COMPLETED
        message = stop.message if stop is not None else message
        if status == STOPPED and not message:
            message = f"stopped after epoch {state.epoch} of {training.epochs}"
        return status, message, self._test() if status == COMPLETED else None

    def _train_epoch(self, epoch: int) -> _EpochOutcome:
        import torch

        model, control, state = self.model, self.control, self.state
        model.train()
        inputs, labels = self._train_inputs, self._train_labels
        total_loss = torch.zeros((), device=self.device)
        correct = torch.zeros((), dtype=torch.long, device=self.device)
        interval_loss = torch.zeros((), device=self.device)
        interval_steps, interval_samples, seen = 0, 0, 0
        interval_started = time.perf_counter()
        batches = self._batches(epoch)
        for step, index in enumerate(batches, start=1):
            halt = (control.paused and not self._wait_while_paused()) or control.stop_requested
            if self.strategy.any_true(halt):  # every process stops at the same step
                return _EpochOutcome(StopRun(STOPPED))
            x, y = inputs.index_select(0, index), labels.index_select(0, index)
            if x.device != self.device:
                x, y = x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)
            if self.augmenter is not None:  # training batches only; evaluation never
                x = self.augmenter(x, epoch, step)
            loss, logits = self._step(self.data.to_model_input(x), y)
            batch = len(index)
            detached = loss.detach().float()
            interval_loss += detached
            total_loss += detached * batch
            correct += (logits.detach().argmax(dim=1) == y).sum()
            seen += batch
            interval_steps += 1
            interval_samples += batch
            state.global_step += 1
            if step % self.runtime.log_every == 0 or step == len(batches):
                now = time.perf_counter()
                mean = self.strategy.reduce_sum(interval_loss.reshape(1).double())
                self.callbacks.on_step_end(StepEnd(
                    epoch=epoch, step=step, steps_per_epoch=len(batches),
                    global_step=state.global_step,
                    loss=float(mean) / (interval_steps * self.strategy.world_size),
                    lr=self._lr(), samples_per_second=interval_samples
                    * self.strategy.world_size / max(now - interval_started, 1e-9),
                    memory_bytes=memory_in_use(self.device)))
                stop = self._agreed_stop()
                if stop is not None:
                    return _EpochOutcome(stop)
                interval_loss.zero_()
                interval_steps, interval_samples, interval_started = 0, 0, now
        totals = torch.stack([total_loss.double(), correct.double(),
                              torch.tensor(float(seen), dtype=torch.float64, device=self.device)])
        loss_sum, right, count = self.strategy.reduce_sum(totals).tolist()
        return _EpochOutcome(loss=loss_sum / count, accuracy=right / count)

    def _step(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        import torch

        with torch.autocast(self.device.type, dtype=self.amp_dtype,
                            enabled=self.amp_dtype is not None):
            logits = self.model(x)
            loss = self.criterion(logits, y)
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        testpoints.reached(testpoints.TRAINING_STEP)
        if self.training.grad_clip > 0:
            self.scaler.unscale_(self.optimizer)
            torch.nn.utils.clip_grad_norm_(self.module.parameters(), self.training.grad_clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.schedule.after_batch()
        return loss, logits

    def _end_epoch(self, outcome: _EpochOutcome, seconds: float) -> None:
        state = self.state
        val_loss = val_accuracy = None
        if len(self.data.val):  # rank zero validates; every process decides on its figures
            val_loss, val_accuracy = self.strategy.on_zero(self._validate)
            self._best_val_accuracy = max(val_accuracy, self._best_val_accuracy or 0.0)
        monitored = {"val_loss": val_loss, "val_accuracy": val_accuracy,
                     "train_loss": outcome.loss}[state.best.monitor]
        is_best = state.best.update(state.epoch, monitored)
        if is_best and self.strategy.is_global_zero:  # only rank zero saves or tests
            state.keep_best(self.module)
        self.schedule.after_epoch(monitored)
        event = EpochEnd(
            epoch=state.epoch, total_epochs=self.training.epochs, global_step=state.global_step,
            train_loss=outcome.loss, train_accuracy=outcome.accuracy, val_loss=val_loss,
            val_accuracy=val_accuracy, lr=self._lr(), seconds=seconds, is_best=is_best,
            best_metric_name=state.best.monitor, best_metric=state.best.value,
            best_epoch=state.best.epoch, memory_bytes=memory_in_use(self.device))
        self.callbacks.on_epoch_end(event)
        snapshot = Snapshot(state.epoch, lambda: state.model_state(self.module),
                            lambda: state.checkpoint(self.module, self.optimizer,
                                                     self.schedule, self.scaler, self.device,
                                                     self._elapsed_now()))
        self.callbacks.on_save(event, snapshot)

    def _validate(self) -> tuple[float, float]:
        val = self._predict(self.data.val)
        return val.loss, float((val.predicted == val.targets).float().mean())

    def _agreed_stop(self) -> StopRun | None:
        """The callbacks' stop request, the same on every process: the strongest of theirs
        (a process that raised none hears the one another raised)."""
        stop = self.callbacks.take_stop()
        if self.strategy.world_size == 1:
            return stop
        mine = _STOP_ORDER.index(stop.status) + 1 if stop is not None else 0
        agreed = self.strategy.highest(mine)
        if agreed == mine:
            return stop
        return StopRun(_STOP_ORDER[agreed - 1], "ended by another process of the run")

    def _test(self) -> tuple[dict[str, Any], Predictions] | None:
        if not self.strategy.is_global_zero:  # the others have nothing to write
            return None
        if self.training.restore_best:
            self.state.load_best_into(self.module)
        if not len(self.data.test):
            return None
        predictions = self._predict(self.data.test)
        self.callbacks.on_test_end(predictions)
        return compute_test_metrics(predictions, tuple(self.data.class_names)), predictions

    def _finish(self, status: str, message: str, started: float,
                tested: tuple[dict[str, Any], Predictions] | None) -> FitResult:
        """Tell the callbacks once how the run ended. A callback failing to hear it makes the
        result failed (it is a bug worth seeing) but the others still heard the true end."""
        metrics, predictions = tested if tested else (None, None)
        state = self.state
        wall = state.elapsed_before + time.perf_counter() - started - state.paused_seconds
        verdict = (health(self._best_val_accuracy, self.data.val.labels)
                   if status == COMPLETED else None)
        finished = RunFinished(
            status=status, message=message, epochs_done=state.epoch, wall_seconds=wall,
            best_metric_name=state.best.monitor, best_metric=state.best.value,
            best_epoch=state.best.epoch, test_metrics=metrics, health=verdict)
        try:
            self.callbacks.on_run_end(finished)
        except Exception as error:
            log.exception("a callback failed after the run ended as %s", status)
            return FitResult(**{**vars(finished), "status": FAILED,
                                "message": f"{type(error).__name__}: {error} (after the run "
                                           f"ended as {status})", "test_metrics": None})
        return FitResult(**vars(finished), test_predictions=predictions)

    # ------------------------------------------------------------------------- helpers
    def _run_started(self) -> RunStarted:
        total = sum(p.numel() for p in self.module.parameters())
        trainable = sum(p.numel() for p in self.module.parameters() if p.requires_grad)
        return RunStarted(
            total_epochs=self.training.epochs, start_epoch=self.state.epoch,
            steps_per_epoch=self.steps_per_epoch, device=self.strategy.label(self.device),
            mixed_precision=self.amp_dtype is not None, parameters=total,
            trainable_parameters=trainable, train_samples=len(self.data.train),
            val_samples=len(self.data.val), test_samples=len(self.data.test),
            world_size=self.strategy.world_size)

    def _setup_precision(self) -> None:
        import torch

        self.amp_dtype = None
        use_amp = self.runtime.mixed_precision and self.device.type == "cuda"
        if use_amp:
            bf16 = torch.cuda.is_bf16_supported()
            self.amp_dtype = torch.bfloat16 if bf16 else torch.float16
        # A scaler is only needed for float16; disabled it is a pass-through.
        self.scaler = torch.amp.GradScaler(
            "cuda", enabled=use_amp and self.amp_dtype == torch.float16)

    def _place(self, split: TensorSplit) -> tuple[torch.Tensor, torch.Tensor]:
        """Keep the training tensors on the accelerator when they fit comfortably."""
        if self.device.type != "cpu" and split.inputs.nbytes < 512 * 2**20:
            return split.inputs.to(self.device), split.labels.to(self.device)
        return split.inputs, split.labels

    def _batches(self, epoch: int) -> list[torch.Tensor]:
        """This epoch's batches of this process's indices; a trailing batch of one is dropped
        (it breaks BatchNorm in training mode)."""
        order = self.strategy.epoch_indices(len(self.data.train), epoch, self.runtime.seed,
                                            self._train_inputs.device)
        batches = list(order.split(self.training.batch_size))
        if len(batches) > 1 and len(batches[-1]) == 1:
            batches.pop()
        return batches

    def _batch_count(self) -> int:
        """Batches per epoch, matching ``_batches``."""
        samples = self.strategy.local_samples(len(self.data.train))
        size = self.training.batch_size
        count = -(-samples // size)
        return count - 1 if count > 1 and samples % size == 1 else count

    def _predict(self, split: TensorSplit) -> Predictions:
        """Through the bare module: a data-parallel wrapper would sync buffers in its
        forward, a collective only one process reaches here."""
        return predict(self.module, split, self.data.to_model_input, self.device,
                       max(self.training.batch_size, 256), self.amp_dtype)

    def _wait_while_paused(self) -> bool:
        paused_at = time.perf_counter()
        self.callbacks.on_paused(Paused(True))
        go_on = self.control.wait_while_paused()
        self.state.paused_seconds += time.perf_counter() - paused_at
        self.callbacks.on_paused(Paused(False))
        return go_on

    def _lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def _elapsed_now(self) -> float:
        return time.perf_counter() - self._fit_started - self.state.paused_seconds


def _warm_up_metrics_import() -> None:
    """Import torchmetrics (~1.5 s) beside the first epoch instead of after the last one.

    The thread is not a daemon on purpose: a daemon thread still inside torch's C++ code when
    the interpreter finalises is killed mid-call, and pybind11's GIL guards then abort the
    process ("terminate called without an active exception", exit 134; pytorch#38228). A
    short run that ends before the import does (no test split, or a divergence) made a
    completed batch exit 134 now and then; joined at exit, the import simply finishes first.
    """
    import sys
    import threading

    def warm_up() -> None:
        try:
            __import__("torchmetrics.functional.classification")
        except Exception:  # the test phase imports it again and reports a real failure there
            log.warning("importing torchmetrics ahead of time failed", exc_info=True)

    if "torchmetrics" not in sys.modules:
        threading.Thread(target=warm_up, name=WARM_UP_THREAD, daemon=False).start()
