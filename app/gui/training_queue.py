"""The training queue: core jobs start one after another in a worker thread.

Owns at most one ``TrainingWorker`` and its ``QThread`` at a time. Pages connect once to the
queue's ``event`` signal, which carries every record the active job reports (see
``TrainingWorker``), and dispatch on the record's type.

A search is one job of the queue (``SearchJob``): its trials train one after another like
any run, never beside another training on the same device, and the Training page shows each
trial live. Stopping it stops the search; what is left of it is the search itself, which
continues its study when it runs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from app.core.engine import Paused
from app.core.jobs import Job, ResumeJob, RunCreated, SearchJob
from app.gui.workers import TrainingWorker


@dataclass(frozen=True)
class QueuedJob:
    job: Job
    catalog_path: Path

    @property
    def label(self) -> str:
        return self.job.label


class TrainingQueue(QObject):
    queue_changed = Signal()
    event = Signal(object)  # the active job's records, in order (JobEnded last)
    idle = Signal()  # the queue emptied and no job is active

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pending: list[QueuedJob] = []
        self.current: QueuedJob | None = None
        self.current_run_id: int | None = None  # the catalog run the active job trains
        self._worker: TrainingWorker | None = None
        self._thread: QThread | None = None
        self.is_paused = False

    # ----------------------------------------------------------------------------- API
    def enqueue(self, job: Job, catalog_path: Path) -> None:
        self.pending.append(QueuedJob(job, Path(catalog_path)))
        self.queue_changed.emit()
        self._start_next()

    def remove_pending(self, index: int) -> None:
        if 0 <= index < len(self.pending):
            del self.pending[index]
            self.queue_changed.emit()

    @property
    def busy(self) -> bool:
        """A job is active: from its start until the queue has tidied up after it."""
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

    def unfinished_jobs(self) -> list[Job]:
        """What is left to do, in order: the active job (as a resume of its run once the run
        exists, since stopping it keeps its checkpoint; a search as itself: it continues its
        study) and the waiting ones."""
        jobs = [queued.job for queued in self.pending]
        if self.current is not None:
            job = self.current.job
            resumable = self.current_run_id is not None and not isinstance(job, SearchJob)
            active = ResumeJob(self.current_run_id) if resumable else job
            jobs.insert(0, active)
        return jobs

    def labels(self) -> tuple[str | None, list[str]]:
        """The active job's label (or ``None``) and the waiting ones', for the queue list."""
        return (self.current.label if self.current else None,
                [queued.label for queued in self.pending])

    # ------------------------------------------------------------------------- helpers
    def _start_next(self) -> None:
        if self._worker is not None or not self.pending:
            return
        queued = self.pending.pop(0)
        self.current = queued
        self.current_run_id = None
        self.is_paused = False
        worker = TrainingWorker(queued.job, queued.catalog_path)
        thread = QThread()
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.event.connect(self._on_event)
        thread.finished.connect(lambda: self._on_thread_finished(thread))
        self._worker, self._thread = worker, thread
        self.queue_changed.emit()
        thread.start()

    def _on_event(self, event: object) -> None:
        if isinstance(event, Paused):
            self.is_paused = event.paused
        elif isinstance(event, RunCreated):
            self.current_run_id = event.run_id
            self.queue_changed.emit()  # what is left to do changed: a resumable run exists
        self.event.emit(event)

    def _on_thread_finished(self, thread: QThread) -> None:
        if thread is not self._thread:  # already tidied up by stop_all
            return
        worker = self._worker
        self._worker = self._thread = None
        self.current = None
        self.current_run_id = None
        if worker is not None:
            worker.deleteLater()
        thread.deleteLater()
        self.queue_changed.emit()
        if self.pending:
            self._start_next()
        else:
            self.idle.emit()
