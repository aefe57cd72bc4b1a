"""Long work off the GUI thread, reported back through signals only.

``run_in_background`` runs one call on the thread pool (loading a dataset, counting
parameters, predicting); ``TrainingWorker`` drives the engine in its own ``QThread``.
Neither touches a widget: receivers live on the GUI thread and get queued signals.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot

from app.core.engine import EpochEnd, EventStream, Paused, RunControl, RunFinished, StepEnd
from app.core.errors import ModelDeskError
from app.core.jobs import Job, JobEnded, RunCreated, SearchJob

log = logging.getLogger(__name__)
STEP_FLUSH_SECONDS = 0.05  # coalesce step events: at most ~20 signals a second


def user_message(error: BaseException) -> str:
    """Our own errors speak for themselves; anything else is a bug, logged in full."""
    if isinstance(error, ModelDeskError):
        return str(error)
    log.error("unexpected error in background work", exc_info=error)
    return f"Unexpected error: {type(error).__name__}: {error} (details are in the log file)"


class _TaskSignals(QObject):
    done = Signal(int, object)  # token, result
    failed = Signal(int, str)  # token, message


class BackgroundTask(QRunnable):
    """One call on a thread pool; its owner's relay carries the result to the GUI thread.

    The signals object belongs to the relay (a GUI-thread object that lives as long as the
    owner), so the worker thread dropping the task's last reference never destroys a QObject
    of another thread, which Qt forbids.
    """

    def __init__(self, fn: Callable[[], Any], relay: _Relay, token: int) -> None:
        super().__init__()
        self.fn = fn
        self.signals = relay.signals
        self.token = token

    def run(self) -> None:
        try:
            try:
                result = self.fn()
            except Exception as error:  # reported, never raised into Qt
                self.signals.failed.emit(self.token, user_message(error))
            else:
                self.signals.done.emit(self.token, result)
        except RuntimeError:  # the owner (and its relay) went away meanwhile: nobody listens
            pass
        finally:
            _alive.discard(self)


class _Relay(QObject):
    """Delivers results to callbacks, but only while its owner is alive.

    One per owner (a page, the window), a child of it, kept for the owner's lifetime: when
    the owner is deleted the relay goes with it and Qt drops queued results instead of
    calling into dead widgets. A relay per task, deleted after each delivery, once crashed
    the window in ~QObject (QBindingStorage::clear) after image comparisons; and thousands of
    thumbnails made thousands of objects.
    """

    NAME = "modeldesk-background-relay"

    def __init__(self, owner: QObject) -> None:
        super().__init__(owner)
        self.setObjectName(self.NAME)
        self.signals = _TaskSignals(self)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[str], None]]] = {}
        self.signals.done.connect(self.deliver)
        self.signals.failed.connect(self.fail)

    @classmethod
    def of(cls, owner: QObject) -> _Relay:
        found = owner.findChild(cls, cls.NAME, Qt.FindChildOption.FindDirectChildrenOnly)
        return found if found is not None else cls(owner)

    def expect(self, on_done: Callable[[Any], None], on_failed: Callable[[str], None]) -> int:
        token = next(_tokens)
        self._callbacks[token] = (on_done, on_failed)
        return token

    @Slot(int, object)
    def deliver(self, token: int, result: Any) -> None:
        callbacks = self._callbacks.pop(token, None)
        if callbacks is not None:
            callbacks[0](result)

    @Slot(int, str)
    def fail(self, token: int, message: str) -> None:
        callbacks = self._callbacks.pop(token, None)
        if callbacks is not None:
            callbacks[1](message)


_tokens = itertools.count(1)


_alive: set[BackgroundTask] = set()


_heavy: list[QThreadPool] = []


def heavy_pool() -> QThreadPool:
    """A pool of its own for work that imports torch or builds models (seconds each), so it
    never takes the threads quick catalog reads and dataset loads wait for."""
    if not _heavy:
        pool = QThreadPool()
        pool.setMaxThreadCount(2)
        _heavy.append(pool)
    return _heavy[0]


def wait_for_background(timeout_ms: int) -> bool:
    """Wait for every pool's tasks (before quitting, and in tests); True if all ended."""
    pools = [QThreadPool.globalInstance(), *_heavy]
    return all(pool.waitForDone(timeout_ms) for pool in pools)


def run_in_background(owner: QObject, fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[str], None], *,
                      heavy: bool = False) -> BackgroundTask:
    """Start ``fn`` on a pool; later exactly one of ``on_done``/``on_failed`` is called on
    the GUI thread, unless ``owner`` has been deleted by then. ``heavy`` work (torch, model
    building) goes to ``heavy_pool``; everything else to Qt's global pool."""
    relay = _Relay.of(owner)
    task = BackgroundTask(fn, relay, relay.expect(on_done, on_failed))
    task.setAutoDelete(False)
    _alive.add(task)
    (heavy_pool() if heavy else QThreadPool.globalInstance()).start(task)
    return task


class PendingWork:
    """``run_in_background`` for one owner that counts the tasks not yet answered, so a view
    can say it is ``busy`` (tests wait on it; nothing is read or written behind its back)."""

    def __init__(self, owner: QObject) -> None:
        self._owner = owner
        self.count = 0

    @property
    def busy(self) -> bool:
        return self.count > 0

    def start(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
              on_failed: Callable[[str], None], *, heavy: bool = False) -> BackgroundTask:
        self.count += 1

        def done(result: Any) -> None:
            self.count -= 1
            on_done(result)

        def failed(message: str) -> None:
            self.count -= 1
            on_failed(message)

        return run_in_background(self._owner, fn, done, failed, heavy=heavy)


@dataclass(frozen=True)
class StepBatch:
    """Step events coalesced on the training thread (at most ~20 deliveries a second)."""

    steps: tuple[StepEnd, ...]


class _EventBridge(EventStream):
    """Engine events → one signal; step events are batched into ``StepBatch`` records."""

    def __init__(self, emit: Callable[[object], None]) -> None:
        super().__init__(emit)
        self._steps: list[StepEnd] = []
        self._last_flush = 0.0

    def on_step_end(self, event: StepEnd) -> None:
        self._steps.append(event)
        now = time.monotonic()
        if now - self._last_flush >= STEP_FLUSH_SECONDS:
            self._flush(now)

    def on_epoch_end(self, event: EpochEnd) -> None:
        self._flush(time.monotonic())
        self.emit(event)

    def on_paused(self, event: Paused) -> None:
        self._flush(time.monotonic())
        self.emit(event)

    def on_run_end(self, event: RunFinished) -> None:
        self._flush(time.monotonic())
        self.emit(event)

    def _flush(self, now: float) -> None:
        if self._steps:
            self.emit(StepBatch(tuple(self._steps)))
            self._steps = []
        self._last_flush = now


class TrainingWorker(QObject):
    """Runs one core job in a ``QThread``; stop/pause go through ``RunControl``.

    Everything the job reports arrives as records on one signal, ``event``: ``RunCreated``,
    ``RunStarted``, ``StepBatch``, ``EpochEnd``, ``Paused``, ``RunFinished`` and, always last,
    ``JobEnded`` (the outcome, or the message saying why the job could not run). A
    ``SearchJob`` adds its own records (``SearchStarted``, ``TrialStarted``, ``TrialEnded``)
    to the same stream, its trials' engine events between them, and ends with a
    ``JobEnded`` holding its ``SearchOutcome``.
    """

    event = Signal(object)

    def __init__(self, job: Job, catalog_path: Path) -> None:
        super().__init__()
        self.job = job
        self.catalog_path = Path(catalog_path)
        self.control = RunControl()

    @Slot()
    def run(self) -> None:
        from app.core.catalog import Catalog

        extra = {"on_event": self.event.emit} if isinstance(self.job, SearchJob) else {}
        try:
            outcome = self.job.run(Catalog(self.catalog_path),
                                   callbacks=(_EventBridge(self.event.emit),),
                                   control=self.control,
                                   on_created=lambda run_id: self.event.emit(RunCreated(run_id)),
                                   **extra)
        except Exception as error:  # shown in the window, never a crash
            self.event.emit(JobEnded(error=user_message(error)))
        else:
            self.event.emit(JobEnded(outcome=outcome))
        finally:
            thread = QThread.currentThread()
            if thread is not None:
                thread.quit()  # the job is done: let the worker's thread finish

    # Safe from any thread: they only set flags the loop reads between steps.
    def request_stop(self) -> None:
        self.control.request_stop()

    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()
