"""Callback base: no-op hooks the engine calls; batch and GUI differ only in theirs.

Hooks run on the training thread. A GUI callback must only emit signals; a catalog callback
writes in short transactions. An exception in a callback fails the run (it is a bug, and
hiding it would lose records silently).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from app.core.engine._events import EpochEnd, RunFinished, RunStarted, StepEnd


class Callback:
    def on_run_start(self, event: RunStarted) -> None:
        """Training is about to start (or resume)."""

    def on_step_end(self, event: StepEnd) -> None:
        """Every ``log_every`` steps and at each epoch's last step."""

    def on_epoch_end(self, event: EpochEnd) -> None:
        """An epoch finished and was validated, before its checkpoint is written."""

    def on_checkpoint(self, path: Path, epoch: int) -> None:
        """A checkpoint for ``epoch`` was written atomically to ``path``."""

    def on_paused(self, paused: bool) -> None:
        """The loop entered (True) or left (False) a pause."""

    def on_run_end(self, event: RunFinished) -> None:
        """The run ended with a terminal status (test metrics included when completed)."""


class CallbackList(Callback):
    """Fans one event out to many callbacks, in order."""

    def __init__(self, callbacks: Iterable[Callback] = ()) -> None:
        self.callbacks = list(callbacks)

    def on_run_start(self, event: RunStarted) -> None:
        for cb in self.callbacks:
            cb.on_run_start(event)

    def on_step_end(self, event: StepEnd) -> None:
        for cb in self.callbacks:
            cb.on_step_end(event)

    def on_epoch_end(self, event: EpochEnd) -> None:
        for cb in self.callbacks:
            cb.on_epoch_end(event)

    def on_checkpoint(self, path: Path, epoch: int) -> None:
        for cb in self.callbacks:
            cb.on_checkpoint(path, epoch)

    def on_paused(self, paused: bool) -> None:
        for cb in self.callbacks:
            cb.on_paused(paused)

    def on_run_end(self, event: RunFinished) -> None:
        for cb in self.callbacks:
            cb.on_run_end(event)
