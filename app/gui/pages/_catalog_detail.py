"""The run detail panel: a header (colour, name, status, Resume) over tabs for one run.

``show_run(run_id)`` loads the ``RunDetail`` on the thread pool, then the test results
(per-sample predictions joined with the dataset, slower) in a second task; ``loaded`` and
``results_loaded`` announce each. The newest request wins when several overlap. Tags and notes
are written through the catalog, then ``state.runs_changed`` is emitted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.core.catalog import RunDetail
from app.core.errors import ModelDeskError
from app.core.jobs import ResumeJob
from app.gui.colors import run_color
from app.gui.pages._catalog_config import ConfigTab
from app.gui.pages._catalog_metrics import MetricsTab
from app.gui.pages._catalog_overview import OverviewTab
from app.gui.pages._catalog_samples import ConfusionTab, MisclassifiedTab
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.widgets.run_curves import RunCurves
from app.gui.workers import run_in_background

CURVE_PANELS = (("train_loss", "val_loss"), ("train_accuracy", "val_accuracy"),
                "train_loss_step", "lr")


def _load_results(catalog: Any, run_id: int) -> Any:
    from app.core.analysis import test_results

    return test_results(catalog, run_id)


class RunDetailView(QWidget):
    loaded = Signal(int)  # the run's record, config, curves and metrics are shown
    results_loaded = Signal(int)  # its per-sample test results arrived (or failed to)
    failed = Signal(str)  # a tag or notes edit could not be saved

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.detail: RunDetail | None = None
        self.results: Any = None
        self._requested: int | None = None
        self.swatch = QLabel()
        self.swatch.setFixedSize(14, 14)
        self.title = QLabel("Select a run to see its details.")
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.resume_button = QPushButton("Resume run")
        self.resume_button.setToolTip("Continue this run from its last checkpoint")
        self.resume_button.clicked.connect(self._on_resume)
        self.resume_button.hide()
        header = QHBoxLayout()
        header.addWidget(self.swatch)
        header.addWidget(self.title, 1)
        header.addWidget(self.resume_button)
        self.overview, self.config, self.metrics = OverviewTab(), ConfigTab(), MetricsTab()
        self.curves = RunCurves(CURVE_PANELS)
        self.confusion, self.misclassified = ConfusionTab(), MisclassifiedTab()
        self.tabs = QTabWidget()
        for widget, title in ((self.overview, "Overview"), (self.config, "Config"),
                              (self.curves, "Curves"), (self.metrics, "Test metrics"),
                              (self.confusion, "Confusion matrix"),
                              (self.misclassified, "Misclassified")):
            self.tabs.addTab(widget, title)
        self.tabs.setEnabled(False)
        self.overview.tags_edited.connect(self._on_tags_edited)
        self.overview.notes_edited.connect(self._on_notes_edited)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

    @property
    def run_id(self) -> int | None:
        return self.detail.run.id if self.detail is not None else None

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
            return
        catalog = self.state.catalog
        run_in_background(self, lambda: catalog.get_run(run_id),
                          lambda detail: self._on_detail(run_id, detail),
                          lambda message: self._on_detail_failed(run_id, message))

    def refresh(self) -> None:
        """Re-read the shown run after a catalog change; redraw only if its outcome moved."""
        if self.detail is None or self._requested != self.detail.run.id:
            return
        try:
            run = self.state.catalog.get_run_record(self.detail.run.id)
        except ModelDeskError:  # deleted (trash emptied) or another catalog
            self.show_run(None)
            return
        shown = self.detail.run
        keys = ("status", "epochs_done", "finished_at", "trashed_at")
        if any(getattr(run, key) != getattr(shown, key) for key in keys):
            self.show_run(run.id)
        else:
            self._update_resume()

    # -------------------------------------------------------------------------- handlers
    def _on_detail(self, run_id: int, detail: RunDetail) -> None:
        if run_id != self._requested:
            return
        self.detail, self.results = detail, None
        run = detail.run
        self.swatch.setStyleSheet(f"background: {run_color(run.id)}; border-radius: 3px;")
        self.title.setText(f"Run {run.id}: {run.name} — {run.status}")
        self.tabs.setEnabled(True)
        self.overview.show_run(detail)
        self.config.show_config(run.config, run.model)
        self.curves.set_runs({run.id: detail.history}, {run.id: run.name})
        self.metrics.show_metrics(run.test_metrics)
        self.confusion.show_metrics(run.test_metrics)
        self._update_resume()
        has_test = bool(run.test_metrics) and run.test_metrics.get("accuracy") is not None
        if has_test:
            waiting = "Loading the test predictions…"
            self.misclassified.set_results(None, waiting)
            catalog = self.state.catalog
            run_in_background(self, lambda: _load_results(catalog, run_id),
                              lambda results: self._on_results(run_id, results, ""),
                              lambda message: self._on_results(run_id, None, message))
        else:
            reason = "This run has no test predictions (it did not complete)."
            self.misclassified.set_results(None, reason)
            self.confusion.set_results(None, reason)
        self.loaded.emit(run_id)
        if not has_test:
            self.results_loaded.emit(run_id)

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
               and self.state.catalog.resumable(run.id))
        self.resume_button.setVisible(bool(can))
        self.resume_button.setEnabled(bool(can))

    def _on_resume(self) -> None:
        if self.detail is None:
            return
        self.queue.enqueue(ResumeJob(self.detail.run.id), self.state.catalog.path)
        self.resume_button.hide()

    def _on_tags_edited(self, tags: list[str]) -> None:
        if self.detail is not None:
            run_id = self.detail.run.id
            self._write(lambda: self.state.catalog.set_tags(run_id, tags), "tags")

    def _on_notes_edited(self, text: str) -> None:
        if self.detail is not None:
            run_id = self.detail.run.id
            self._write(lambda: self.state.catalog.set_notes(run_id, text), "notes")

    def _write(self, change: Any, what: str) -> None:
        try:
            change()
        except ModelDeskError as error:
            self.failed.emit(f"The {what} could not be saved: {error}")
            return
        self.state.runs_changed.emit()
