"""The training loop: one config and prepared tensors in, events out through callbacks.

Batches are drawn by indexing in-memory tensors (no DataLoader: on a few CPU cores its
workers only add overhead). The loop reads the stop/pause token once per batch, checks the
loss for NaN/inf at each progress event, validates and checkpoints after every epoch, and
restores everything from a checkpoint to resume where a stopped or killed run left off.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.core.engine._best import BestTracker
from app.core.engine._callbacks import Callback, CallbackList
from app.core.engine._checkpoint import load_checkpoint, save_checkpoint, save_weights
from app.core.engine._config import RunConfig
from app.core.engine._control import RunControl
from app.core.engine._device import describe_device, resolve_device
from app.core.engine._evaluate import Predictions, compute_test_metrics, predict
from app.core.engine._events import (
    COMPLETED,
    DIVERGED,
    FAILED,
    STOPPED,
    EpochEnd,
    RunFinished,
    RunStarted,
    StepEnd,
)
from app.core.engine._optim import Schedule, build_optimizer
from app.core.engine._run_files import RunFiles

if TYPE_CHECKING:
    import torch
    from torch import nn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FitResult(RunFinished):
    """What ``fit`` returns: the ``RunFinished`` event plus the test predictions, which stay
    with the caller instead of travelling to every callback."""

    test_predictions: Predictions | None = None


class _EpochOutcome:
    """What ``_train_epoch`` hands back: its averages, or why it ended early."""

    def __init__(self, status: str = COMPLETED, message: str = "", loss: float = 0.0,
                 accuracy: float = 0.0) -> None:
        self.status, self.message, self.loss, self.accuracy = status, message, loss, accuracy


class Trainer:
    """Trains ``model`` on ``data`` (a ``PreparedData``) as ``config`` says.

    ``files`` names the run folder's checkpoint and weights; without it nothing is written
    (used by fast engine tests). Not reentrant: one ``fit`` per Trainer.
    """

    def __init__(self, config: RunConfig, data: Any, model: nn.Module, *,
                 callbacks: list[Callback] | tuple[Callback, ...] = (),
                 control: RunControl | None = None, files: RunFiles | None = None,
                 weights_metadata: dict[str, Any] | None = None) -> None:
        self.config = config
        self.data = data
        self.model = model
        self.callbacks = CallbackList(callbacks)
        self.control = control or RunControl()
        self.files = files
        self.weights_metadata = dict(weights_metadata or {})
        monitor = config.monitor if len(data.val.labels) else "train_loss"
        self.best = BestTracker(monitor, config.early_stopping_patience)
        self.epoch = 0
        self.global_step = 0
        self._elapsed_before = 0.0  # wall seconds spent by earlier sessions of a resumed run
        self._paused_seconds = 0.0

    # ----------------------------------------------------------------------------- public
    def fit(self, *, resume: bool = False) -> FitResult:
        """Train to the end, a stop request, divergence or an error; never raises for those."""
        started = time.perf_counter()
        try:
            return self._fit(started, resume)
        except Exception as error:  # the run is recorded as failed, the caller decides more
            log.exception("training failed")
            message = f"{type(error).__name__}: {error}"
            return self._finish(FAILED, message, started, None)

    # ---------------------------------------------------------------------------- the loop
    def _fit(self, started: float, resume: bool) -> FitResult:
        import torch

        config = self.config
        self._fit_started = started
        if config.threads:
            torch.set_num_threads(config.threads)
        self.device = resolve_device(config.device)
        self.model.to(self.device)
        self._setup_precision()
        self._place_data()
        self.optimizer = build_optimizer(config, self.model.parameters())
        self.steps_per_epoch = _batch_count(len(self.data.train.labels), config.batch_size)
        _warm_up_metrics_import()
        self.schedule = Schedule(config, self.optimizer, self.steps_per_epoch)
        self.criterion = torch.nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
        if resume and self.files is not None and self.files.checkpoint.exists():
            self._restore(load_checkpoint(self.files.checkpoint))
        total, trainable = _count(self.model)
        self.callbacks.on_run_start(RunStarted(
            total_epochs=config.epochs, start_epoch=self.epoch,
            steps_per_epoch=self.steps_per_epoch, device=describe_device(self.device),
            mixed_precision=self.amp_dtype is not None, parameters=total,
            trainable_parameters=trainable, train_samples=len(self.data.train.labels),
            val_samples=len(self.data.val.labels), test_samples=len(self.data.test.labels)))

        status, message = COMPLETED, ""
        while self.epoch < config.epochs:
            epoch_started = time.perf_counter()
            outcome = self._train_epoch(self.epoch + 1)
            if outcome.status != COMPLETED:
                status, message = outcome.status, outcome.message
                break
            self.epoch += 1
            self._end_epoch(outcome, time.perf_counter() - epoch_started)
            if self.best.should_stop:
                message = (f"early stopping: {self.best.monitor} did not improve for "
                           f"{self.best.patience} epochs (best at epoch {self.best.epoch})")
                break
        if status == STOPPED and not message:
            message = f"stopped after epoch {self.epoch} of {config.epochs}"
        return self._finish(status, message, started, self._test() if status == COMPLETED
                            else None)

    def _train_epoch(self, epoch: int) -> _EpochOutcome:
        import torch

        model, config, control = self.model, self.config, self.control
        model.train()
        inputs, labels = self._train_inputs, self._train_labels
        total_loss = torch.zeros((), device=self.device)
        correct = torch.zeros((), dtype=torch.long, device=self.device)
        interval_loss = torch.zeros((), device=self.device)
        interval_steps, interval_samples, seen = 0, 0, 0
        interval_started = time.perf_counter()
        batches = self._batches(epoch)
        for step, index in enumerate(batches, start=1):
            if control.paused and not self._wait_while_paused():
                return _EpochOutcome(STOPPED)
            if control.stop_requested:
                return _EpochOutcome(STOPPED)
            x, y = inputs.index_select(0, index), labels.index_select(0, index)
            if x.device != self.device:
                x, y = x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)
            loss, logits = self._step(self.data.to_model_input(x), y)
            batch = len(index)
            detached = loss.detach().float()
            interval_loss += detached
            total_loss += detached * batch
            correct += (logits.detach().argmax(dim=1) == y).sum()
            interval_steps += 1
            interval_samples += batch
            seen += batch
            self.global_step += 1
            if step % config.log_every == 0 or step == len(batches):
                mean_loss = float(interval_loss) / interval_steps
                if not _finite(mean_loss):
                    return _EpochOutcome(DIVERGED, self._divergence_message(epoch, step,
                                                                             mean_loss))
                now = time.perf_counter()
                self.callbacks.on_step_end(StepEnd(
                    epoch=epoch, step=step, steps_per_epoch=len(batches),
                    global_step=self.global_step, loss=mean_loss, lr=self._lr(),
                    samples_per_second=interval_samples / max(now - interval_started, 1e-9)))
                interval_loss.zero_()
                interval_steps, interval_samples, interval_started = 0, 0, now
        return _EpochOutcome(loss=float(total_loss) / seen, accuracy=int(correct) / seen)

    def _step(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        import torch

        with torch.autocast(self.device.type, dtype=self.amp_dtype,
                            enabled=self.amp_dtype is not None):
            logits = self.model(x)
            loss = self.criterion(logits, y)
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        if self.config.grad_clip > 0:
            self.scaler.unscale_(self.optimizer)
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.grad_clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.schedule.after_batch()
        return loss, logits

    def _end_epoch(self, outcome: _EpochOutcome, seconds: float) -> None:
        val_loss = val_accuracy = None
        if len(self.data.val.labels):
            val = self._predict(self.data.val)
            val_loss = val.loss
            val_accuracy = float((val.predicted == val.targets).float().mean())
        monitored = {"val_loss": val_loss, "val_accuracy": val_accuracy,
                     "train_loss": outcome.loss}[self.best.monitor]
        is_best = self.best.update(self.epoch, monitored)
        if is_best:
            self._save_weights()
        self.schedule.after_epoch(monitored)
        self.callbacks.on_epoch_end(EpochEnd(
            epoch=self.epoch, total_epochs=self.config.epochs, global_step=self.global_step,
            train_loss=outcome.loss, train_accuracy=outcome.accuracy, val_loss=val_loss,
            val_accuracy=val_accuracy, lr=self._lr(), seconds=seconds, is_best=is_best,
            best_metric_name=self.best.monitor, best_metric=self.best.value,
            best_epoch=self.best.epoch))
        if self.files is not None:
            save_checkpoint(self.files.checkpoint, self._checkpoint_state())
            self.callbacks.on_checkpoint(self.files.checkpoint, self.epoch)

    def _test(self) -> tuple[dict[str, Any], Predictions] | None:
        reload = self.best.epoch != self.epoch  # the model already holds the best weights
        if (reload and self.config.restore_best and self.files is not None
                and self.files.weights.exists()):
            from app.core.engine._checkpoint import load_weights

            tensors, _ = load_weights(self.files.weights)
            self.model.load_state_dict(tensors)
        if not len(self.data.test.labels):
            return None
        predictions = self._predict(self.data.test)
        if self.files is not None:
            self.files.save_predictions(predictions)
        return compute_test_metrics(predictions, tuple(self.data.class_names)), predictions

    def _finish(self, status: str, message: str, started: float,
                tested: tuple[dict[str, Any], Predictions] | None) -> FitResult:
        metrics, predictions = tested if tested else (None, None)
        wall = self._elapsed_before + time.perf_counter() - started - self._paused_seconds
        finished = RunFinished(
            status=status, message=message, epochs_done=self.epoch, wall_seconds=wall,
            best_metric_name=self.best.monitor, best_metric=self.best.value,
            best_epoch=self.best.epoch, test_metrics=metrics)
        self.callbacks.on_run_end(finished)
        return FitResult(**vars(finished), test_predictions=predictions)

    # ------------------------------------------------------------------------- helpers
    def _setup_precision(self) -> None:
        import torch

        self.amp_dtype = None
        use_amp = self.config.mixed_precision and self.device.type == "cuda"
        if use_amp:
            bf16 = torch.cuda.is_bf16_supported()
            self.amp_dtype = torch.bfloat16 if bf16 else torch.float16
        # A scaler is only needed for float16; disabled it is a pass-through.
        self.scaler = torch.amp.GradScaler(
            "cuda", enabled=use_amp and self.amp_dtype == torch.float16)

    def _place_data(self) -> None:
        """Keep the training tensors on the accelerator when they fit comfortably."""
        train = self.data.train
        self._train_inputs, self._train_labels = train.inputs, train.labels
        if self.device.type != "cpu" and train.inputs.nbytes < 512 * 2**20:
            self._train_inputs = train.inputs.to(self.device)
            self._train_labels = train.labels.to(self.device)

    def _batches(self, epoch: int) -> list[torch.Tensor]:
        """This epoch's shuffled batches; the order depends only on (seed, epoch)."""
        import torch

        n, size = len(self.data.train.labels), self.config.batch_size
        generator = torch.Generator().manual_seed(self.config.seed * 1_000_003 + epoch)
        order = torch.randperm(n, generator=generator).to(self._train_inputs.device)
        batches = list(order.split(size))
        if len(batches) > 1 and len(batches[-1]) == 1:
            batches.pop()  # a batch of one breaks BatchNorm in training mode
        return batches

    def _predict(self, split: Any) -> Predictions:
        return predict(self.model, split, self.data.to_model_input, self.device,
                       max(self.config.batch_size, 256), self.amp_dtype)

    def _wait_while_paused(self) -> bool:
        paused_at = time.perf_counter()
        self.callbacks.on_paused(True)
        go_on = self.control.wait_while_paused()
        self._paused_seconds += time.perf_counter() - paused_at
        self.callbacks.on_paused(False)
        return go_on

    def _lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def _divergence_message(self, epoch: int, step: int, loss: float) -> str:
        return (f"training diverged: the loss became {loss} at epoch {epoch}, step {step}. "
                f"Try a lower learning rate (now {self.config.lr:g}), gradient clipping "
                "(grad_clip) or another optimiser.")

    def _save_weights(self) -> None:
        if self.files is None:
            return
        metadata = {**self.weights_metadata, "epoch": self.epoch}
        save_weights(self.files.weights, self.model.state_dict(), metadata)

    def _checkpoint_state(self) -> dict[str, Any]:
        import torch

        rng = {"torch": torch.get_rng_state()}
        if self.device.type == "cuda":
            rng["cuda"] = torch.cuda.get_rng_state(self.device)
        return {
            "epoch": self.epoch, "global_step": self.global_step,
            "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(), "scaler": self.scaler.state_dict(),
            "best": self.best.state_dict(), "rng": rng,
            "elapsed": self._elapsed_before + self._elapsed_now(),
            "config": self.config.to_dict(),
        }

    def _elapsed_now(self) -> float:
        return time.perf_counter() - self._fit_started - self._paused_seconds

    def _restore(self, state: dict[str, Any]) -> None:
        import torch

        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state.get("schedule") or {})
        if state.get("scaler"):
            self.scaler.load_state_dict(state["scaler"])
        self.best.load_state_dict(state.get("best") or {})
        rng = state.get("rng") or {}
        if "torch" in rng:
            torch.set_rng_state(rng["torch"])
        if "cuda" in rng and self.device.type == "cuda":
            torch.cuda.set_rng_state(rng["cuda"], self.device)
        self.epoch = int(state["epoch"])
        self.global_step = int(state["global_step"])
        self._elapsed_before = float(state.get("elapsed", 0.0))


def _batch_count(samples: int, batch_size: int) -> int:
    """Batches per epoch, matching ``_batches`` (a trailing batch of one is dropped)."""
    count = -(-samples // batch_size)
    return count - 1 if count > 1 and samples % batch_size == 1 else count


def _warm_up_metrics_import() -> None:
    """Import torchmetrics (~1.5 s) beside the first epoch instead of after the last one."""
    import sys
    import threading

    def warm_up() -> None:
        try:
            __import__("torchmetrics.functional.classification")
        except Exception:  # the test phase imports it again and reports a real failure there
            log.warning("importing torchmetrics ahead of time failed", exc_info=True)

    if "torchmetrics" not in sys.modules:
        threading.Thread(target=warm_up, name="import-torchmetrics", daemon=True).start()


def _count(model: nn.Module) -> tuple[int, int]:
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return total, trainable


def _finite(value: float) -> bool:
    return value == value and value not in (float("inf"), float("-inf"))
