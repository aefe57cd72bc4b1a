"""The training queue: configured runs start one after another in a worker thread.

Owns at most one ``TrainingWorker`` and its ``QThread`` at a time and re-emits the worker's
signals, so pages connect once to the queue and not to every new worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal

from app.core.engine import RunConfig
from app.gui.workers import TrainingWorker


@dataclass(frozen=True)
class QueuedRun:
    config: RunConfig | None  # None when resuming
    catalog_path: Path
    resume_run_id: int | None = None

    @property
    def label(self) -> str:
        if self.resume_run_id is not None:
            return f"resume run {self.resume_run_id}"
        config = self.config
        return config.name or f"{config.model} on {Path(config.dataset).name}"


class TrainingQueue(QObject):
    queue_changed = Signal()
    run_created = Signal(int)
    started = Signal(object)  # RunStarted
    steps = Signal(object)  # list[StepEnd]
    epoch = Signal(object)  # EpochEnd
    paused = Signal(bool)
    run_finished = Signal(object)  # RunFinished
    outcome = Signal(object)  # RunOutcome
    failed = Signal(str)
    idle = Signal()  # the queue emptied and no run is active

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pending: list[QueuedRun] = []
        self.current: QueuedRun | None = None
        self._worker: TrainingWorker | None = None
        self._thread: QThread | None = None
        self.is_paused = False

    # ----------------------------------------------------------------------------- API
    def enqueue(self, config: RunConfig, catalog_path: Path) -> None:
        self.pending.append(QueuedRun(config, Path(catalog_path)))
        self.queue_changed.emit()
        self._start_next()

    def enqueue_resume(self, run_id: int, catalog_path: Path) -> None:
        self.pending.append(QueuedRun(None, Path(catalog_path), run_id))
        self.queue_changed.emit()
        self._start_next()

    def remove_pending(self, index: int) -> None:
        if 0 <= index < len(self.pending):
            del self.pending[index]
            self.queue_changed.emit()

    @property
    def busy(self) -> bool:
        """A run is active: from its start until the queue has tidied up after it."""
        return self._worker is not None

    def pause(self) -> None:
        if self._worker is not None:
            self._worker.pause()

    def resume(self) -> None:
        if self._worker is not None:
            self._worker.resume()

    def stop(self) -> None:
        """Stop the active run (it stays in the catalog as ``stopped``); the queue goes on."""
        if self._worker is not None:
            self._worker.request_stop()

    def stop_all(self, wait_ms: int = 60_000) -> bool:
        """Clear the queue, stop the active run and wait for its thread; True if it ended."""
        self.pending.clear()
        self.queue_changed.emit()
        thread = self._thread
        self.stop()
        if thread is None:
            return True
        ended = thread.wait(wait_ms)
        if ended:
            self._on_thread_finished(thread)  # tidy up now; the queued signal finds it done
        return ended

    # ------------------------------------------------------------------------- helpers
    def _start_next(self) -> None:
        if self._worker is not None or not self.pending:
            return
        job = self.pending.pop(0)
        self.current = job
        self.is_paused = False
        worker = TrainingWorker(job.config, job.catalog_path, job.resume_run_id)
        thread = QThread()
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.run_created.connect(self.run_created)
        worker.started.connect(self.started)
        worker.steps.connect(self.steps)
        worker.epoch.connect(self.epoch)
        worker.paused.connect(self._on_paused)
        worker.run_finished.connect(self.run_finished)
        worker.outcome.connect(self.outcome)
        worker.failed.connect(self.failed)
        # Direct: quit must reach the thread even while the GUI thread waits in stop_all.
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(lambda: self._on_thread_finished(thread))
        self._worker, self._thread = worker, thread
        self.queue_changed.emit()
        thread.start()

    def _on_paused(self, paused: bool) -> None:
        self.is_paused = paused
        self.paused.emit(paused)

    def _on_thread_finished(self, thread: QThread) -> None:
        if thread is not self._thread:  # already tidied up by stop_all
            return
        worker = self._worker
        self._worker = self._thread = None
        self.current = None
        if worker is not None:
            worker.deleteLater()
        thread.deleteLater()
        self.queue_changed.emit()
        if self.pending:
            self._start_next()
        else:
            self.idle.emit()

    def snapshot(self) -> dict[str, Any]:
        """Labels of the active and waiting runs, for the queue list."""
        return {"current": self.current.label if self.current else None,
                "pending": [job.label for job in self.pending]}
