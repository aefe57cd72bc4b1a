"""Long work off the GUI thread, reported back through signals only.

``run_in_background`` runs one call on the thread pool (loading a dataset, counting
parameters, predicting); ``TrainingWorker`` drives the engine in its own ``QThread``.
Neither touches a widget: receivers live on the GUI thread and get queued signals.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from app.core.engine import Callback, EpochEnd, RunControl, RunFinished, RunStarted, StepEnd
from app.core.errors import ModelDeskError

log = logging.getLogger(__name__)
STEP_FLUSH_SECONDS = 0.05  # coalesce step events: at most ~20 signals a second


def user_message(error: BaseException) -> str:
    """Our own errors speak for themselves; anything else is a bug, logged in full."""
    if isinstance(error, ModelDeskError):
        return str(error)
    log.error("unexpected error in background work", exc_info=error)
    return f"Unexpected error: {type(error).__name__}: {error} (details are in the log file)"


class _TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class BackgroundTask(QRunnable):
    """One call on the global thread pool; ``signals.done``/``failed`` arrive on the GUI thread."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _TaskSignals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as error:  # reported, never raised into Qt
            self.signals.failed.emit(user_message(error))
        else:
            self.signals.done.emit(result)
        finally:
            _alive.discard(self)


class _Relay(QObject):
    """Delivers a task's result to callbacks, but only while ``owner`` is alive.

    A child of the owner: when the owner (a page, the window) is deleted the relay goes with
    it and Qt drops the queued result instead of calling into dead widgets.
    """

    def __init__(self, owner: QObject, on_done: Callable[[Any], None],
                 on_failed: Callable[[str], None]) -> None:
        super().__init__(owner)
        self._on_done, self._on_failed = on_done, on_failed

    @Slot(object)
    def deliver(self, result: Any) -> None:
        self.deleteLater()
        self._on_done(result)

    @Slot(str)
    def fail(self, message: str) -> None:
        self.deleteLater()
        self._on_failed(message)


_alive: set[BackgroundTask] = set()


def run_in_background(owner: QObject, fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[str], None]) -> BackgroundTask:
    """Start ``fn`` on the pool; later exactly one of ``on_done``/``on_failed`` is called on
    the GUI thread, unless ``owner`` has been deleted by then."""
    task = BackgroundTask(fn)
    task.setAutoDelete(False)
    _alive.add(task)
    relay = _Relay(owner, on_done, on_failed)
    task.signals.done.connect(relay.deliver)
    task.signals.failed.connect(relay.fail)
    QThreadPool.globalInstance().start(task)
    return task


class _SignalBridge(Callback):
    """Engine callback → worker signals; step events are batched into lists."""

    def __init__(self, worker: TrainingWorker) -> None:
        self.worker = worker
        self._steps: list[StepEnd] = []
        self._last_flush = 0.0

    def on_run_start(self, event: RunStarted) -> None:
        self.worker.started.emit(event)

    def on_step_end(self, event: StepEnd) -> None:
        self._steps.append(event)
        now = time.monotonic()
        if now - self._last_flush >= STEP_FLUSH_SECONDS:
            self._flush(now)

    def on_epoch_end(self, event: EpochEnd) -> None:
        self._flush(time.monotonic())
        self.worker.epoch.emit(event)

    def on_paused(self, paused: bool) -> None:
        self._flush(time.monotonic())
        self.worker.paused.emit(paused)

    def on_run_end(self, event: RunFinished) -> None:
        self._flush(time.monotonic())
        self.worker.run_finished.emit(event)

    def _flush(self, now: float) -> None:
        if self._steps:
            self.worker.steps.emit(self._steps)
            self._steps = []
        self._last_flush = now


class TrainingWorker(QObject):
    """Plans and executes one run in a ``QThread``; stop/pause go through ``RunControl``."""

    run_created = Signal(int)
    started = Signal(object)  # RunStarted
    steps = Signal(object)  # list[StepEnd]
    epoch = Signal(object)  # EpochEnd
    paused = Signal(bool)
    run_finished = Signal(object)  # RunFinished
    outcome = Signal(object)  # RunOutcome, after the catalog is written
    failed = Signal(str)  # the run could not start (bad data or config) or crashed
    done = Signal()  # always last

    def __init__(self, config: Any, catalog_path: Path, resume_run_id: int | None = None) -> None:
        super().__init__()
        self.config = config
        self.catalog_path = Path(catalog_path)
        self.resume_run_id = resume_run_id
        self.control = RunControl()

    @Slot()
    def run(self) -> None:
        from app.core.catalog import Catalog
        from app.core.runs import execute, plan_run, resume

        bridge = _SignalBridge(self)
        try:
            catalog = Catalog(self.catalog_path)
            if self.resume_run_id is not None:
                self.run_created.emit(self.resume_run_id)
                outcome = resume(catalog, self.resume_run_id, callbacks=(bridge,),
                                 control=self.control)
            else:
                planned = plan_run(self.config)
                outcome = execute(planned, catalog, callbacks=(bridge,), control=self.control,
                                  on_created=self.run_created.emit)
        except Exception as error:  # shown in the window, never a crash
            self.failed.emit(user_message(error))
        else:
            self.outcome.emit(outcome)
        finally:
            self.done.emit()

    # Safe from any thread: they only set flags the loop reads between steps.
    def request_stop(self) -> None:
        self.control.request_stop()

    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()
