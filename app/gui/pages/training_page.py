"""The Training page: start, pause, resume and stop runs; watch them train live.

The page only talks to the ``TrainingQueue`` (which owns the worker thread) and the
``AppState``; it receives the active job's records on one signal and dispatches on their type.
Every handler runs on the GUI thread, and none waits for training. Plots repaint on their own
timer; events only append to buffers.

The page says what is true now: while a run trains, the header names that run (read from the
catalog in the background) and the next one only as what "Add to queue" would add; a message
about a run goes away when the next run is created, and when its run is trashed or deleted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import RunRecord
from app.core.config import RunConfig
from app.core.engine import EpochEnd, Notice, Paused, RunStarted
from app.core.errors import ModelDeskError
from app.core.jobs import JobEnded, LaunchedJob, ResumeJob, RunCreated
from app.core.runs import RunOutcome
from app.core.search import SearchOutcome, TrialEnded
from app.core.statuses import COMPLETED, DIVERGED, PRUNED, STOPPED
from app.gui.pages._training_format import config_summary, duration
from app.gui.pages._training_messages import MessageArea
from app.gui.pages._training_plots import TrainingPlots
from app.gui.pages._training_queue_view import QueueView
from app.gui.pages._training_status import StatusPanel
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.workers import StepBatch, run_in_background

SIDE_WIDTH = 330


class TrainingPage(QWidget):
    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.run_id: int | None = None  # the catalog run the worker is training now
        self._pause_requested = False
        self._training_text = ""  # the header's words for the run training now
        self._keep_message = False  # a notice shown for the job starting, before its run exists
        self._build()
        self._connect()
        self._on_config_changed()
        self._update_buttons()

    # ----------------------------------------------------------------------------- layout
    def _build(self) -> None:
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the active run; it stays in the catalog as stopped "
                                    "and can be resumed from its last finished epoch")
        for button in (self.start_button, self.pause_button, self.stop_button):
            button.setMinimumWidth(96)
        header = QHBoxLayout()
        header.addWidget(self.summary_label, 1)
        header.addWidget(self.start_button)
        header.addWidget(self.pause_button)
        header.addWidget(self.stop_button)

        self.messages = MessageArea()
        self.plots = TrainingPlots()
        self.status = StatusPanel()
        self.queue_view = QueueView(self.queue)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.status)
        side_layout.addWidget(self.queue_view, 1)
        side.setMinimumWidth(280)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.plots)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([800, SIDE_WIDTH])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(header)
        layout.addWidget(self.messages)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        self.start_button.clicked.connect(self._on_start)
        self.pause_button.clicked.connect(self._on_pause_toggle)
        self.stop_button.clicked.connect(self._on_stop)
        self.messages.resume_requested.connect(self._on_resume_run)
        queue = self.queue
        queue.queue_changed.connect(self._on_queue_changed)
        queue.event.connect(self._on_event)
        for signal in (self.state.dataset_changed, self.state.model_changed,
                       self.state.values_changed):
            signal.connect(self._on_config_changed)
        self.state.runs_changed.connect(self._on_runs_changed)
        self.state.catalog_changed.connect(lambda _catalog: self.messages.clear())

    # ---------------------------------------------------------------------- user actions
    def _on_start(self) -> None:
        try:
            job = self.state.train_job()
        except ModelDeskError as error:
            self.messages.show_message("error", f"Cannot start: {error}")
            return
        if self.messages.kind == "error":
            self.messages.clear()
        self.queue.enqueue(job, self.state.catalog.path)

    def _on_pause_toggle(self) -> None:
        if self.queue.is_paused or self._pause_requested:
            self._pause_requested = False
            self.queue.resume()
        else:
            self._pause_requested = True
            self.queue.pause()  # takes effect before the next batch; ``paused`` confirms
        self._update_buttons()

    def _on_stop(self) -> None:
        self.queue.stop()
        self.stop_button.setEnabled(False)  # until the next run starts
        self.status.state_label.setText("stopping…")

    def _on_resume_run(self, run_id: int) -> None:
        self.messages.show_message("info", f"Run {run_id} is queued to resume from its last "
                                           "checkpoint.")
        self.queue.enqueue(ResumeJob(run_id), self.state.catalog.path)

    # ---------------------------------------------------------------------- queue events
    def _on_event(self, event: object) -> None:
        if isinstance(event, RunCreated):
            self._on_run_created(event.run_id)
        elif isinstance(event, RunStarted):
            self._on_started(event)
        elif isinstance(event, StepBatch):
            self.plots.add_steps(event.steps)
            self.status.add_steps(event.steps)
        elif isinstance(event, EpochEnd):
            self.plots.add_epoch(event)
            self.status.add_epoch(event)
        elif isinstance(event, Paused):
            self._on_paused(event.paused)
        elif isinstance(event, Notice):
            self._on_notice(event)
        elif isinstance(event, TrialEnded):  # a search's trial: its run's own ending
            if event.outcome is not None:
                self._on_outcome(event.outcome, in_search=True)
        elif isinstance(event, JobEnded):
            if isinstance(event.outcome, SearchOutcome):
                self._on_search_ended(event.outcome)
            elif event.outcome is not None:
                self._on_outcome(event.outcome)
            else:
                self._on_failed(event.error)

    def _on_queue_changed(self) -> None:
        if not self.queue.busy:
            self._pause_requested = False
        self._update_buttons()

    def _on_run_created(self, run_id: int) -> None:
        self.run_id = run_id
        if self._keep_message:  # the starting job's notice: about this run now
            self.messages.run_id, self._keep_message = run_id, False
        elif self.messages.kind:
            self.messages.clear()  # about an earlier run, or a job before this one
        self._describe_training(run_id)
        self.state.run_changed.emit(run_id)  # the catalog shows the new run as running
        self.state.runs_changed.emit()

    def _on_started(self, event: RunStarted) -> None:
        self._pause_requested = False
        self.plots.clear(event.total_epochs)
        if event.start_epoch and self.run_id is not None:  # resumed: show the earlier epochs
            history = self.state.catalog.history([self.run_id]).get(self.run_id, {})
            self.plots.add_history(history, event.steps_per_epoch, event.start_epoch)
        self.status.start(event)
        self._update_buttons()

    def _on_notice(self, event: Notice) -> None:
        prefix = f"Run {self.run_id}: " if self.run_id is not None else ""
        self.messages.show_message(event.level, f"{prefix}{event.text}.", run_id=self.run_id)
        self._keep_message = self.run_id is None

    def _on_runs_changed(self) -> None:
        """Clear a message about a run that is gone (trashed or deleted); the catalog is
        read on the pool."""
        run_id, catalog = self.messages.run_id, self.state.catalog
        if run_id is None or run_id == self.run_id:
            return

        def done(row: object) -> None:
            if row is None and self.messages.run_id == run_id:
                self.messages.clear()

        run_in_background(self, lambda: catalog.run_row(run_id), done, lambda _message: None)

    def _on_paused(self, paused: bool) -> None:
        self._pause_requested = False
        self.status.set_paused(paused)
        self._update_buttons()

    def _on_outcome(self, outcome: RunOutcome, in_search: bool = False) -> None:
        self._show_outcome(outcome, in_search)
        self.status.finish(outcome.status)
        self._end_run()
        self.state.run_changed.emit(outcome.run_id)
        self.state.runs_changed.emit()

    def _show_outcome(self, outcome: RunOutcome, in_search: bool) -> None:
        run, about = f"Run {outcome.run_id}", outcome.run_id
        if outcome.status == STOPPED and in_search:
            pass  # the search's own ending says how to continue it
        elif outcome.status == PRUNED:
            self.messages.show_message("info", f"{run} was pruned after epoch "
                                       f"{outcome.epochs_done}: {outcome.message}", run_id=about)
        elif outcome.status == STOPPED:
            self.messages.show_message(
                "warning", f"{run} stopped after epoch {outcome.epochs_done} — resume it "
                "from the Catalog page or with the Resume button.",
                resume_run=outcome.run_id)
        elif outcome.status == DIVERGED:
            self.messages.show_message("error", f"{run} diverged: {outcome.message}",
                                       run_id=about)
        elif outcome.status == COMPLETED and outcome.health:
            self.messages.show_message(
                "warning", f"{_completed_text(outcome)} It is {outcome.health}: its validation "
                "accuracy never beat always answering the most frequent class. Try another "
                "learning rate or model, and check the labels.", run_id=about)
        elif outcome.status == COMPLETED:
            self.messages.show_message("success", _completed_text(outcome), run_id=about)
        else:
            self.messages.show_message("error", f"{run} failed: {outcome.message}",
                                       run_id=about)

    def _on_search_ended(self, outcome: SearchOutcome) -> None:
        if outcome.status == STOPPED:
            self.messages.show_message(
                "warning", f"Search {outcome.name!r} stopped after {outcome.finished} finished "
                "trial(s); continue it from the Search page.")
        else:
            best = f"; best run {outcome.best_run_id}" if outcome.best_run_id else ""
            self.messages.show_message("success", f"Search {outcome.name!r} finished "
                                       f"{outcome.finished} trial(s){best}.")
        self.status.finish(outcome.status)
        self._end_run()
        self.state.runs_changed.emit()

    def _on_failed(self, message: str) -> None:
        prefix = f"Run {self.run_id} failed" if self.run_id is not None else "Could not start"
        self.messages.show_message("error", f"{prefix}: {message}", run_id=self.run_id)
        self.status.finish("failed")
        self._end_run()
        self.state.runs_changed.emit()

    def _on_config_changed(self, *_args: object) -> None:
        try:
            config = self.state.build_config()
        except ModelDeskError as error:
            upcoming = (f"<span style='color:#8a6d3b'>Not ready: "
                        f"{_escape(str(error))}</span>")
        else:
            upcoming = f"{'Add to queue' if self.run_id else 'Start'} trains " \
                       f"{config_summary(config)}"
        if self.run_id is not None and self._training_text:
            upcoming = (f"{self._training_text}<br><span style='color:#666'>Next: "
                        f"{upcoming}</span>")
        self.summary_label.setText(upcoming)

    def _describe_training(self, run_id: int) -> None:
        """Name the run the worker trains in the header, from its catalog row (on the pool:
        a resume or a reproduction knows its settings only from there)."""
        catalog = self.state.catalog

        def done(text: str) -> None:
            if self.run_id == run_id:
                self._training_text = text
                self._on_config_changed()

        run_in_background(self, lambda: _training_text(catalog.get_run_record(run_id)), done,
                          lambda _message: None)

    def _end_run(self) -> None:
        self.run_id, self._training_text, self._keep_message = None, "", False
        self._on_config_changed()

    # ------------------------------------------------------------------------ helpers
    def _update_buttons(self) -> None:
        busy = self.queue.busy
        paused = self.queue.is_paused or self._pause_requested
        self.start_button.setText("Add to queue" if busy else "Start")
        self.start_button.setToolTip("Queue the configured run after the active one" if busy
                                     else "Train the configured run")
        launched = isinstance(getattr(self.queue.current, "job", None), LaunchedJob)
        self.pause_button.setEnabled(busy and not launched)  # several processes: stop only
        self.pause_button.setText("Resume" if busy and paused else "Pause")
        self.stop_button.setEnabled(busy)


def _completed_text(outcome: RunOutcome) -> str:
    text = f"Run {outcome.run_id} completed in {duration(outcome.wall_seconds)}"
    if outcome.test_accuracy is not None:
        text += f" — test accuracy {100 * outcome.test_accuracy:.1f} %"
    if outcome.message:
        text += f" ({outcome.message})"
    return text + "."


def _training_text(run: RunRecord) -> str:
    """Background work: the header's words for the run now training."""
    config = RunConfig.from_stored(run.config, where=f"run {run.id}")
    named = "" if config.name else f" “{_escape(run.name)}”"  # a name the run was given
    return f"Training <b>run {run.id}</b>{named}: {config_summary(config)}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
