"""Callbacks: no-op hooks the engine calls; batch, GUI and catalog differ only in theirs.

Hooks run on the training thread. A GUI callback must only emit signals; a catalog callback
writes in short transactions. A callback ends a run on purpose by raising ``StopRun`` (a search
pruner raises ``StopRun(PRUNED)``); every other exception fails the run, because hiding it
would lose records silently.

Callbacks that write files or the catalog set ``rank_zero_only = True``: in a multi-process
run only the process that owns the catalog (global rank zero) calls them, so each file is
written once. Everything else (progress, divergence checks) runs on every process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from app.core.engine._events import EpochEnd, Notice, Paused, RunFinished, RunStarted, StepEnd
from app.core.errors import ModelDeskError
from app.core.statuses import ENDED_BY_ENGINE

if TYPE_CHECKING:
    from app.core.engine._evaluate import Predictions
    from app.core.engine._snapshot import Snapshot


class StopRun(Exception):  # noqa: N818 - a request, like Optuna's TrialPruned
    """Raised by a callback to end the run with ``status`` (``pruned``, ``diverged``, …).

    The loop finishes dispatching the current event to every callback, saves a completed
    epoch, then ends. ``completed`` means "stop training now and test", as early stopping does.
    """

    def __init__(self, status: str, message: str = "") -> None:
        if status not in ENDED_BY_ENGINE:
            raise ModelDeskError(f"a run cannot be ended as {status!r}")
        super().__init__(message or status)
        self.status, self.message = status, message


class Callback:
    rank_zero_only = False
    """True for callbacks with side effects (files, catalog) that must happen once."""

    def on_run_start(self, event: RunStarted) -> None:
        """Training is about to start (or resume)."""

    def on_step_end(self, event: StepEnd) -> None:
        """Every ``log_every`` steps and at each epoch's last step."""

    def on_epoch_end(self, event: EpochEnd) -> None:
        """An epoch finished and was validated."""

    def on_save(self, event: EpochEnd, snapshot: Snapshot) -> None:
        """After ``on_epoch_end``: the epoch's state, to be saved by whoever keeps files."""

    def on_paused(self, event: Paused) -> None:
        """The loop entered or left a pause."""

    def on_test_end(self, predictions: Predictions) -> None:
        """The test split was predicted (completed runs with a test split only)."""

    def on_notice(self, event: Notice) -> None:
        """A message for the person watching (from the run's own writers, any thread)."""

    def on_run_end(self, event: RunFinished) -> None:
        """The run ended with a terminal status (test metrics included when completed)."""


class CallbackList(Callback):
    """Fans each event out to many callbacks, in order.

    A ``StopRun`` from one callback does not keep the event from the others; the first one
    is kept for the loop to act on (``take_stop``). Rank-zero-only callbacks are left out on
    other processes.
    """

    def __init__(self, callbacks: Iterable[Callback] = (), *, is_global_zero: bool = True) -> None:
        self.callbacks = [cb for cb in callbacks if is_global_zero or not cb.rank_zero_only]
        self._stop: StopRun | None = None

    def take_stop(self) -> StopRun | None:
        stop, self._stop = self._stop, None
        return stop

    def _each(self, call: Callable[[Callback], Any]) -> None:
        for callback in self.callbacks:
            try:
                call(callback)
            except StopRun as stop:
                self._stop = self._stop or stop

    def on_run_start(self, event: RunStarted) -> None:
        self._each(lambda cb: cb.on_run_start(event))

    def on_step_end(self, event: StepEnd) -> None:
        self._each(lambda cb: cb.on_step_end(event))

    def on_epoch_end(self, event: EpochEnd) -> None:
        self._each(lambda cb: cb.on_epoch_end(event))

    def on_save(self, event: EpochEnd, snapshot: Snapshot) -> None:
        self._each(lambda cb: cb.on_save(event, snapshot))

    def on_paused(self, event: Paused) -> None:
        self._each(lambda cb: cb.on_paused(event))

    def on_test_end(self, predictions: Predictions) -> None:
        self._each(lambda cb: cb.on_test_end(predictions))

    def on_notice(self, event: Notice) -> None:
        self._each(lambda cb: cb.on_notice(event))

    def on_run_end(self, event: RunFinished) -> None:
        """Every callback hears the end, even after one of them failed to (the catalog
        recorder must finish the run); the first failure is raised afterwards."""
        failure: Exception | None = None
        for callback in self.callbacks:
            try:
                callback.on_run_end(event)
            except StopRun:
                pass  # the run has ended already
            except Exception as error:
                failure = failure or error
        if failure is not None:
            raise failure


class EventStream(Callback):
    """Hands every event record to one function: the shape a GUI worker or a subprocess
    job forwards (``RunStarted``, ``StepEnd``, ``EpochEnd``, ``Paused``, ``Notice``,
    ``RunFinished``)."""

    def __init__(self, emit: Callable[[object], None]) -> None:
        self.emit = emit

    def on_run_start(self, event: RunStarted) -> None:
        self.emit(event)

    def on_step_end(self, event: StepEnd) -> None:
        self.emit(event)

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.emit(event)

    def on_paused(self, event: Paused) -> None:
        self.emit(event)

    def on_notice(self, event: Notice) -> None:
        self.emit(event)

    def on_run_end(self, event: RunFinished) -> None:
        self.emit(event)
