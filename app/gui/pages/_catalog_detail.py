"""The run detail panel: a header (colour, name, status, Use these settings, Reproduce,
Fine-tune, Resume) over tabs for one run, its lineage among them.

``show_run(run_id)`` loads the ``RunDetail`` (and whether the run can be resumed) on the
thread pool, then the test results (per-sample predictions joined with the dataset, slower) in
a second task; ``loaded`` and ``results_loaded`` announce each. The newest request wins when
several overlap. ``refresh`` re-reads the shown run in the background too, so no catalog read
or write of this panel runs on the GUI thread. Tags and notes are written through the catalog
on the pool, then ``state.run_changed(run_id)`` and ``state.runs_changed`` are emitted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.core.catalog import Catalog, Lineage, RunDetail, RunRecord
from app.core.errors import ModelDeskError
from app.core.jobs import ResumeJob
from app.core.models import USABLE_MODEL
from app.gui.colors import run_color
from app.gui.pages._catalog_actions import RunActions
from app.gui.pages._catalog_config import ConfigTab
from app.gui.pages._catalog_deploy import DeployTab
from app.gui.pages._catalog_evaluation import EvaluationTab
from app.gui.pages._catalog_lineage import LineageTab
from app.gui.pages._catalog_metrics import MetricsTab
from app.gui.pages._catalog_overview import OverviewTab
from app.gui.pages._catalog_samples import ConfusionTab, MisclassifiedTab
from app.gui.pages._registry_register import RegisterButton
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.widgets.run_curves import RunCurves
from app.gui.workers import PendingWork

CURVE_PANELS = (("train_loss", "val_loss"), ("train_accuracy", "val_accuracy"),
                "train_loss_step", "lr")


def _load_results(catalog: Any, run_id: int) -> Any:
    from app.core.analysis import test_results

    return test_results(catalog, run_id)


def _load_detail(catalog: Catalog, run_id: int) -> tuple[RunDetail, bool, Lineage]:
    return catalog.get_run(run_id), catalog.resumable(run_id), catalog.lineage(run_id)


def _load_record(catalog: Catalog,
                 run_id: int) -> tuple[RunRecord | None, bool, Lineage | None]:
    """The run's record, whether it can resume and its lineage; ``None`` once it is gone."""
    try:
        return catalog.get_run_record(run_id), catalog.resumable(run_id), catalog.lineage(run_id)
    except ModelDeskError:  # deleted (trash emptied) or another catalog
        return None, False, None


class RunDetailView(QWidget):
    loaded = Signal(int)  # the run's record, config, curves and metrics are shown
    results_loaded = Signal(int)  # its per-sample test results arrived (or failed to)
    failed = Signal(str)  # a tag or notes edit could not be saved
    fine_tune_requested = Signal(int)  # its settings went to AppState: show the Models page
    open_requested = Signal(int)  # a relative in the Lineage tab was clicked
    settings_used = Signal(int)  # its settings went to AppState (no init_from): Models page
    reproduce_queued = Signal(int)  # a reproduction of it is in the training queue

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.detail: RunDetail | None = None
        self.results: Any = None
        self._requested: int | None = None
        self._resumable = False
        self._work = PendingWork(self)  # background reads and writes not yet answered
        self.swatch = QLabel()
        self.swatch.setFixedSize(14, 14)
        self.title = QLabel("Select a run to see its details.")
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.resume_button = QPushButton("Resume run")
        self.resume_button.setToolTip("Continue this run from its last checkpoint")
        self.resume_button.clicked.connect(self._on_resume)
        self.resume_button.hide()
        self.fine_tune_button = QPushButton("Fine-tune")
        self.fine_tune_button.setToolTip("Start a new run from this run's weights: its model "
                                         "and settings go to the Models page")
        self.fine_tune_button.clicked.connect(self._on_fine_tune)
        self.fine_tune_button.hide()
        self.actions = RunActions(state, queue)
        self.actions.settings_used.connect(self.settings_used)
        self.actions.reproduce_queued.connect(self.reproduce_queued)
        self.actions.failed.connect(self.failed)
        self.register_button = RegisterButton(state)
        self.register_button.failed.connect(self.failed)
        header = QHBoxLayout()
        header.addWidget(self.swatch)
        header.addWidget(self.title, 1)
        header.addWidget(self.actions)
        header.addWidget(self.register_button)
        header.addWidget(self.fine_tune_button)
        header.addWidget(self.resume_button)
        self.overview, self.config, self.metrics = OverviewTab(), ConfigTab(), MetricsTab()
        self.curves = RunCurves(CURVE_PANELS)
        self.confusion, self.misclassified = ConfusionTab(), MisclassifiedTab()
        self.evaluation = EvaluationTab()
        self.lineage = LineageTab()
        self.lineage.open_requested.connect(self.open_requested)
        self.misclassified.explain_with(lambda: state.catalog)
        self.deploy = DeployTab(state)
        self.tabs = QTabWidget()
        for widget, title in ((self.overview, "Overview"), (self.config, "Config"),
                              (self.curves, "Curves"), (self.metrics, "Test metrics"),
                              (self.confusion, "Confusion matrix"),
                              (self.misclassified, "Misclassified"),
                              (self.evaluation, "Evaluation"), (self.lineage, "Lineage"),
                              (self.deploy, "Deploy")):
            self.tabs.addTab(widget, title)
        self.tabs.setEnabled(False)
        self.tabs.currentChanged.connect(lambda _index: self._draw_curves())
        self._curves: tuple[Any, ...] | None = None  # the shown run's curves, not drawn yet
        self.overview.tags_edited.connect(self._on_tags_edited)
        self.overview.notes_edited.connect(self._on_notes_edited)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

    @property
    def run_id(self) -> int | None:
        return self.detail.run.id if self.detail is not None else None

    @property
    def busy(self) -> bool:
        return (self._work.busy or self.actions.planning or self.deploy.busy
                or self.evaluation.busy)

    # ----------------------------------------------------------------------------- API
    def show_run(self, run_id: int | None) -> None:
        """Load and show ``run_id`` (``None`` clears the panel)."""
        self._requested = run_id
        if run_id is None:
            self.detail = self.results = None
            self.tabs.setEnabled(False)
            self.title.setText("Select a run to see its details.")
            self.swatch.setStyleSheet("")
            self.resume_button.hide()
            self.fine_tune_button.hide()
            self.actions.show_for(None)
            self.deploy.show_run(self.state.catalog, None, False)
            self.register_button.show_for(None, usable=False)
            self._clear_tabs()
            return
        catalog = self.state.catalog
        self._work.start(lambda: _load_detail(catalog, run_id),
                         lambda result: self._on_detail(run_id, *result),
                         lambda message: self._on_detail_failed(run_id, message))

    def _clear_tabs(self) -> None:
        """No tab keeps showing a run that is no longer shown (a deleted one, say)."""
        self.metrics.show_metrics(None)
        self.confusion.show_metrics(None)
        self.confusion.set_results(None, "")
        self.misclassified.set_results(None, "No run is selected.")
        self.lineage.show_lineage(None)
        self.evaluation.show_run(None, None)
        self._curves = None
        self.curves.set_runs({}, {})

    def refresh(self) -> None:
        """Re-read the shown run after a catalog change; redraw only if its outcome moved."""
        if self.detail is None or self._requested != self.detail.run.id:
            return
        catalog, run_id = self.state.catalog, self.detail.run.id
        self._work.start(lambda: _load_record(catalog, run_id),
                         lambda result: self._on_record(run_id, *result), lambda _message: None)

    def _on_record(self, run_id: int, run: RunRecord | None, resumable: bool,
                   lineage: Lineage | None) -> None:
        if self.detail is None or self.detail.run.id != run_id or self._requested != run_id:
            return
        if run is None:
            self.show_run(None)
            return
        shown = self.detail.run
        keys = ("status", "epochs_done", "finished_at", "trashed_at")
        if any(getattr(run, key) != getattr(shown, key) for key in keys):
            self.show_run(run.id)
        else:
            self._resumable = resumable
            self._update_resume()
            self._show_lineage(lineage)

    # -------------------------------------------------------------------------- handlers
    def _on_detail(self, run_id: int, detail: RunDetail, resumable: bool,
                   lineage: Lineage) -> None:
        if run_id != self._requested:
            return
        self.detail, self.results, self._resumable = detail, None, resumable
        run = detail.run
        self.swatch.setStyleSheet(f"background: {run_color(run.id)}; border-radius: 3px;")
        self.title.setText(f"Run {run.id}: {run.name} — {run.status}")
        self.tabs.setEnabled(True)
        self.overview.show_run(detail)
        self.config.show_config(run.config, run.model)
        self._curves = ({run.id: detail.history}, {run.id: run.name})
        self._draw_curves()
        self.metrics.show_metrics(run.test_metrics)
        self.confusion.show_metrics(run.test_metrics)
        self._update_resume()
        self._show_lineage(lineage)
        usable = any(artifact.kind == USABLE_MODEL for artifact in detail.artifacts)
        self.fine_tune_button.setVisible(usable and run.trashed_at is None)
        self.deploy.show_run(self.state.catalog, run, usable)
        self.evaluation.show_run(self.state.catalog, run)
        self.actions.show_for(run)
        self.register_button.show_for(run, usable=usable)
        has_test = bool(run.test_metrics) and run.test_metrics.get("accuracy") is not None
        if has_test:
            waiting = "Loading the test predictions…"
            self.misclassified.set_results(None, waiting)
            catalog = self.state.catalog
            self._work.start(lambda: _load_results(catalog, run_id),
                             lambda results: self._on_results(run_id, results, ""),
                             lambda message: self._on_results(run_id, None, message))
        else:
            reason = "This run has no test predictions (it did not complete)."
            self.misclassified.set_results(None, reason)
            self.confusion.set_results(None, reason)
        self.loaded.emit(run_id)
        if not has_test:
            self.results_loaded.emit(run_id)

    def _draw_curves(self) -> None:
        """Plots cost tens of milliseconds: draw them when their tab is shown."""
        if self._curves is not None and self.tabs.currentWidget() is self.curves:
            histories, labels = self._curves
            self._curves = None
            self.curves.set_runs(histories, labels)

    def _on_detail_failed(self, run_id: int, message: str) -> None:
        if run_id == self._requested:
            self.show_run(None)
            self.title.setText(message)

    def _on_results(self, run_id: int, results: Any, message: str) -> None:
        if self.detail is None or run_id != self.detail.run.id or run_id != self._requested:
            return
        self.results = results
        status = f"The test samples cannot be shown: {message}" if message else ""
        self.confusion.set_results(results, status)
        self.misclassified.set_results(results, status)
        self.results_loaded.emit(run_id)

    def _update_resume(self) -> None:
        run = self.detail.run if self.detail else None
        active = [self.queue.current] if self.queue.current is not None else []
        queued = {queued.job.run_id for queued in (*active, *self.queue.pending)
                  if isinstance(queued.job, ResumeJob)}
        can = (run is not None and run.trashed_at is None and run.id not in queued
               and self._resumable)
        self.resume_button.setVisible(bool(can))
        self.resume_button.setEnabled(bool(can))

    def _on_resume(self) -> None:
        if self.detail is None:
            return
        self.queue.enqueue(ResumeJob(self.detail.run.id), self.state.catalog.path)
        self.resume_button.hide()

    def _show_lineage(self, lineage: Lineage | None) -> None:
        self.lineage.show_lineage(lineage)
        count = self.lineage.count()
        index = self.tabs.indexOf(self.lineage)
        self.tabs.setTabText(index, f"Lineage ({count})" if count else "Lineage")

    def _on_fine_tune(self) -> None:
        if self.detail is None:
            return
        try:
            self.state.fine_tune(self.detail.run)
        except ModelDeskError as error:
            self.failed.emit(f"Run {self.detail.run.id} cannot be fine-tuned: {error}")
            return
        self.fine_tune_requested.emit(self.detail.run.id)

    def _on_tags_edited(self, tags: list[str]) -> None:
        if self.detail is not None:
            catalog, run_id = self.state.catalog, self.detail.run.id
            self._write(run_id, lambda: catalog.set_tags(run_id, tags), "tags")

    def _on_notes_edited(self, text: str) -> None:
        if self.detail is not None:
            catalog, run_id = self.state.catalog, self.detail.run.id
            self._write(run_id, lambda: catalog.set_notes(run_id, text), "notes")

    def _write(self, run_id: int, change: Callable[[], None], what: str) -> None:
        """Write on the pool; announce the one changed run, then that runs changed."""
        def done(_result: object) -> None:
            self.state.run_changed.emit(run_id)
            self.state.runs_changed.emit()

        self._work.start(change, done,
                         lambda message: self.failed.emit(f"The {what} could not be saved: "
                                                          f"{message}"))
