"""The Search page: a search's trials arriving live, its results, stop and continue.

A search runs as one job of the training queue (``SearchJob``), so it never trains beside
another run and the Training page shows each trial's curves. This page follows the queue's
records: ``SearchStarted`` shows that study, each ``TrialStarted`` / ``TrialEnded`` reloads
its summary (``search_summary`` and ``best_run_report``, read on the heavy pool: Optuna's
journal and a model build), and the table and plots redraw from it. Stop asks the queue to
stop; Continue queues the study's own stored plan again, which the core resumes without
repeating finished trials. A shared search (one whose study lives in PostgreSQL or a shared
journal, see docs/scale-out.md) is looked at in its storage every few seconds while it is shown
(its trials' states only; the summary is re-read when they change), so other workers' trials
appear as they arrive.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog
from app.core.jobs import JobEnded, SearchJob
from app.core.search import (
    KIND,
    SearchOutcome,
    SearchPlan,
    SearchStarted,
    TrialEnded,
    TrialStarted,
    best_run_report,
    search_summary,
    trial_states,
)
from app.gui.pages._search_plots import SearchPlots
from app.gui.pages._search_table import TrialsTable
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.workers import run_in_background


def _read(catalog: Catalog, study_id: int) -> tuple[Any, dict[str, Any], Any]:
    """On the pool: the study, its summary and its best run's report."""
    return (catalog.get_study(study_id), search_summary(catalog, study_id),
            best_run_report(catalog, study_id))


FOLLOW_MS = 5000


class SearchPage(QWidget):
    open_run_requested = Signal(int)  # show this run's detail on the Catalog page
    compare_requested = Signal(list)  # list[int]: these runs into Compare
    summary_shown = Signal(int)  # a study's summary was drawn (its id)

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.study_id: int | None = None
        self.study: Any = None
        self.summary: dict[str, Any] | None = None
        self._generation = 0
        self._loading = False
        self._states: tuple = ()  # a shared study's trial states when last drawn
        self.follow_timer = QTimer(self)  # re-reads a shared search's storage while shown
        self.follow_timer.setInterval(FOLLOW_MS)
        self.follow_timer.timeout.connect(self._on_follow)
        self._build()
        queue.event.connect(self._on_event)
        queue.queue_changed.connect(self._update_buttons)
        state.catalog_changed.connect(lambda _catalog: self.refresh_studies())
        self.refresh_studies()

    def _build(self) -> None:
        self.studies = QComboBox()
        self.studies.setObjectName("searchStudies")
        self.studies.setMinimumWidth(320)
        self.studies.currentIndexChanged.connect(self._on_study_chosen)
        self.stop_button = QPushButton("Stop")
        self.continue_button = QPushButton("Continue")
        self.continue_button.setToolTip("Run this search's plan again: finished trials are "
                                        "kept and not run again")
        self.best_button = QPushButton("Open best run")
        self.compare_button = QPushButton("Compare checked")
        self.stop_button.clicked.connect(self.stop)
        self.continue_button.clicked.connect(self.continue_search)
        self.best_button.clicked.connect(self.open_best_run)
        self.compare_button.clicked.connect(self.compare_checked)
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>Search</b>"))
        head.addWidget(self.studies, 1)
        for button in (self.stop_button, self.continue_button, self.best_button,
                       self.compare_button):
            head.addWidget(button)
        self.status_label = QLabel("No search yet: start one from the Models page.")
        self.status_label.setWordWrap(True)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("searchVerdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = TrialsTable()
        self.table.run_activated.connect(self.open_run_requested)
        self.table.checks_changed.connect(self._update_buttons)
        self.plots = SearchPlots()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.plots)
        splitter.setSizes([480, 620])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(head)
        layout.addWidget(self.status_label)
        layout.addWidget(self.verdict_label)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    # ----------------------------------------------------------------------------- API
    def refresh_studies(self, select: int | None = None) -> None:
        catalog = self.state.catalog

        def done(studies: list) -> None:
            wanted = select if select is not None else self.study_id
            self.studies.blockSignals(True)
            self.studies.clear()
            for study in studies:
                self.studies.addItem(f"{study.name} · study {study.id} · {study.status}",
                                     study.id)
            index = self.studies.findData(wanted) if wanted is not None else 0
            self.studies.setCurrentIndex(max(index, 0) if studies else -1)
            self.studies.blockSignals(False)
            chosen = self.studies.currentData()
            if chosen is not None:
                self.show_study(int(chosen))

        run_in_background(self, lambda: sorted(
            (s for s in catalog.list_studies() if s.kind == KIND), key=lambda s: -s.id),
            done, self._show_error)

    def show_study(self, study_id: int) -> None:
        if study_id != self.study_id:
            self.table.forget_checks()
        self.study_id = study_id
        self._generation += 1
        generation, catalog = self._generation, self.state.catalog

        def done(result: tuple) -> None:
            self._loading = False
            if generation == self._generation:
                self._apply(*result)

        def failed(message: str) -> None:
            self._loading = False
            self._show_error(message)

        self._loading = True
        run_in_background(self, lambda: _read(catalog, study_id), done, failed, heavy=True)

    def stop(self) -> None:
        if self._running_here():
            self.queue.stop()
            self.status_label.setText("Stopping after the running trial's current step…")
            self.stop_button.setEnabled(False)

    def continue_search(self) -> None:
        if self.study is None or self._running_here() or self._queued_here():
            return
        try:
            plan = SearchPlan.from_json(self.study.settings["plan"])
        except Exception as error:  # noqa: BLE001 - shown, never raised into Qt
            self._show_error(f"This search cannot be continued: {error}")
            return
        self.queue.enqueue(SearchJob(plan), self.state.catalog.path)
        self.status_label.setText(f"{plan.name!r} is queued to continue.")

    def open_best_run(self) -> None:
        if self.study is not None and self.study.best_run_id is not None:
            self.open_run_requested.emit(int(self.study.best_run_id))

    def compare_checked(self) -> None:
        ids = self.table.checked_run_ids()
        if ids:
            self.compare_requested.emit(ids)

    # ------------------------------------------------------------------------ handlers
    def _on_event(self, event: object) -> None:
        if isinstance(event, SearchStarted):
            self.refresh_studies(select=event.study_id)
        elif isinstance(event, TrialStarted | TrialEnded) and event.study_id == self.study_id:
            self.show_study(event.study_id)
        elif isinstance(event, JobEnded) and isinstance(event.outcome, SearchOutcome):
            self.refresh_studies(select=event.outcome.study_id)

    def _on_study_chosen(self, _index: int) -> None:
        chosen = self.studies.currentData()
        if chosen is not None:
            self.show_study(int(chosen))

    def _apply(self, study: Any, summary: dict[str, Any], report: Any) -> None:
        self.study, self.summary = study, summary
        best = summary["best_run"]
        shared = study.settings.get("storage") is not None
        self.table.set_trials(summary["trials"], best["run_id"] if best else None,
                              study.metric or "metric", shared=shared)
        self.plots.show_summary(summary)
        counts = ", ".join(f"{n} {s}" for s, n in sorted(study.trial_counts.items()))
        budget = study.settings.get("trials")
        timeout = study.settings.get("timeout")
        parts = [f"{study.status}", f"{len(summary['trials'])} trial(s)" + (
            f" of {budget}" if budget else "")]
        if timeout:
            parts.append(f"budget {timeout:g} s")
        parts.append(f"{study.sampler} sampler, {study.settings.get('pruner')} pruner")
        if shared:
            workers = sorted({t["worker"] for t in summary["trials"] if t.get("worker")})
            parts.append(f"shared by {len(workers)} worker machine(s) through "
                         f"{study.settings['storage']}")
        self.status_label.setText(" · ".join(parts) + (f" ({counts})" if counts else ""))
        if shared:
            self._states = tuple((t["trial"], t["state"].upper()) for t in summary["trials"])
            self.follow_timer.start()
        else:
            self.follow_timer.stop()
        self.verdict_label.setText(report.line if report is not None else
                                   "No trial has completed yet.")
        self._update_buttons()
        self.summary_shown.emit(study.id)

    def _on_follow(self) -> None:
        if not self.isVisible() or self.study_id is None or self._loading:
            return
        catalog, study_id = self.state.catalog, self.study_id
        self._loading = True

        def done(states: tuple) -> None:
            self._loading = False
            if study_id == self.study_id and states != self._states:
                self.show_study(study_id)

        def failed(message: str) -> None:
            self._loading = False
            self._show_error(message)

        run_in_background(self, lambda: trial_states(catalog, study_id), done, failed)

    def _running_here(self) -> bool:
        current = self.queue.current
        return (self.study is not None and current is not None
                and isinstance(current.job, SearchJob)
                and current.job.search.uid == self.study.uid)

    def _queued_here(self) -> bool:
        return self.study is not None and any(
            isinstance(q.job, SearchJob) and q.job.search.uid == self.study.uid
            for q in self.queue.pending)

    def _update_buttons(self) -> None:
        running = self._running_here()
        self.stop_button.setEnabled(running)
        self.continue_button.setEnabled(self.study is not None and not running
                                        and not self._queued_here())
        self.best_button.setEnabled(self.study is not None
                                    and self.study.best_run_id is not None)
        self.compare_button.setEnabled(bool(self.table.checked_run_ids()))

    def _show_error(self, message: str) -> None:
        self.status_label.setText(f"<span style='color:#B34700'>{message}</span>")

