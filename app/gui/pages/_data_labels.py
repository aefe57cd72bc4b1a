"""Check labels: the Data page's bar and the window that lists likely mislabeled samples.

The check (``app.core.labels.check_labels``) runs on the heavy pool with progress and Cancel.
The analyst selects rows and excludes them from the next run, takes the suggested label, or
undoes either; the decisions go to the catalog (never into the user's files) and the next run
started from the Models page carries them in its config (``label_changes``, added by
``AppState.build_config``), where the run detail's Config tab and Reproduce find them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import LabelChange
from app.core.datasets import Dataset
from app.core.engine import RunControl
from app.core.labels import LabelCheck, LabelIssue, check_labels, pretrained_backbone
from app.gui.pages._data_labels_table import IssuesModel
from app.gui.state import AppState
from app.gui.widgets.sample_grid import THUMB
from app.gui.workers import PendingWork

STAGES = {"features": "Computing features", "folds": "Training fold models"}


def changes_summary(changes: tuple[LabelChange, ...]) -> str:
    """"2 label changes go into the next run (1 excluded, 1 relabelled)"."""
    if not changes:
        return "No label changes for the next run."
    excluded = sum(1 for change in changes if change.excluded)
    plural = "s" if len(changes) != 1 else ""
    return (f"{len(changes)} label change{plural} go into the next run ({excluded} excluded, "
            f"{len(changes) - excluded} relabelled).")


class _Progress(QObject):
    """Carries the worker's progress to the GUI thread (a queued signal)."""

    changed = Signal(str, int, int)


class LabelCheckWindow(QDialog):
    """The ranked issues of the open dataset and the actions on them."""

    changes_changed = Signal()

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Check labels")
        self.resize(820, 620)
        self.work = PendingWork(self)
        self.result: LabelCheck | None = None
        self.changes: tuple[LabelChange, ...] = ()
        self._dataset: Dataset | None = None  # the one checked (or being checked)
        self._control: RunControl | None = None
        self.reports = _Progress(self)
        self.reports.changed.connect(self._on_progress)
        self._build()
        state.dataset_changed.connect(self._on_dataset_changed)
        self._on_dataset_changed(state.dataset)

    def _build(self) -> None:
        self.start_button = QPushButton("Check labels")
        self.cancel_button = QPushButton("Cancel")
        self.pretrained = QCheckBox("Frozen pretrained features (better; slower the first time)")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        for widget in (self.start_button, self.cancel_button, self.pretrained):
            top.addWidget(widget)
        top.addStretch(1)
        self.model = IssuesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setDefaultSectionSize(THUMB // 2 + 8)
        self.table.setIconSize(self.table.iconSize().scaled(THUMB // 2, THUMB // 2,
                                                            Qt.AspectRatioMode.KeepAspectRatio))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.exclude_button = QPushButton("Exclude from next run")
        self.suggested_button = QPushButton("Use suggested label")
        self.undo_button = QPushButton("Undo")
        self.changes_label = QLabel()
        actions = QHBoxLayout()
        for widget in (self.exclude_button, self.suggested_button, self.undo_button):
            actions.addWidget(widget)
        actions.addWidget(self.changes_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.exclude_button.clicked.connect(lambda: self._record(suggested=False))
        self.suggested_button.clicked.connect(lambda: self._record(suggested=True))
        self.undo_button.clicked.connect(self._undo)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

    # ------------------------------------------------------------------------------ check
    @property
    def running(self) -> bool:
        return self._control is not None

    def start(self) -> None:
        dataset = self.state.dataset
        if dataset is None or self.running:
            return
        control, cache = RunControl(), self.state.catalog.path.parent / "cache"
        pretrained = None if self.pretrained.isChecked() else False
        report = self.reports.changed.emit
        self._dataset, self._control, self.result = dataset, control, None
        self.model.set_issues(None, [])
        self.status.setText(f"Checking the labels of {len(dataset):,} samples…")
        self.progress.setRange(0, 0)
        self.work.start(lambda: check_labels(dataset, pretrained=pretrained, cache_dir=cache,
                                             progress=report, control=control),
                        self._on_done, self._on_failed, heavy=True)
        self._update_buttons()

    def cancel(self) -> None:
        if self._control is not None:
            self._control.request_stop()
            self.status.setText("Cancelling…")

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if self.running:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            self.progress.setFormat(f"{STAGES.get(stage, stage)}: %v of %m")

    def _on_done(self, result: LabelCheck) -> None:
        self._control = None
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat("Done")
        if self._dataset is not self.state.dataset:  # another dataset was opened meanwhile
            self._update_buttons()
            return
        self.result = result
        self.model.set_issues(self._dataset, result.issues)
        self.status.setText(
            f"{len(result.issues):,} of {result.samples:,} samples are likely mislabeled "
            f"(held-out accuracy of the given labels {result.out_of_sample_accuracy:.1%}). "
            f"Method: {result.method}, {result.folds} folds, scored by cleanlab; "
            f"{result.seconds:.1f} s. Lower score = more likely wrong.")
        self._update_buttons()

    def _on_failed(self, message: str) -> None:
        cancelled = self._control is not None and self._control.stop_requested
        self._control = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Cancelled" if cancelled else "Failed")
        self.status.setText("The label check was cancelled." if cancelled
                            else f"The label check failed: {message}")
        self._update_buttons()

    # ---------------------------------------------------------------------------- changes
    def selected_issues(self) -> list[LabelIssue]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.issues[row] for row in rows]

    def _record(self, *, suggested: bool) -> None:
        issues, dataset = self.selected_issues(), self._dataset
        if not issues or dataset is None:
            return
        changes = [LabelChange(issue.sample_id, issue.given,
                               issue.suggested if suggested else None, issue.score)
                   for issue in issues]
        catalog = self.state.catalog
        self.work.start(lambda: catalog.record_label_changes(dataset.path, changes),
                        lambda _none: self.refresh_changes(), self._on_write_failed)

    def _undo(self) -> None:
        ids, dataset = [issue.sample_id for issue in self.selected_issues()], self._dataset
        if not ids or dataset is None:
            return
        catalog = self.state.catalog
        self.work.start(lambda: catalog.remove_label_changes(dataset.path, ids),
                        lambda _count: self.refresh_changes(), self._on_write_failed)

    def refresh_changes(self) -> None:
        """Read the open dataset's label changes from the catalog (in the background)."""
        dataset, catalog = self.state.dataset, self.state.catalog
        if dataset is None:
            self._on_changes(())
            return
        self.work.start(lambda: catalog.label_changes(dataset.path),
                        lambda changes: self._on_changes(changes, dataset),
                        self._on_write_failed)

    def _on_changes(self, changes: tuple[LabelChange, ...],
                    dataset: Dataset | None = None) -> None:
        if dataset is not None and dataset is not self.state.dataset:
            return  # read for a dataset that is no longer open
        self.changes = tuple(changes)
        self.model.set_changes({change.sample_id: change for change in self.changes})
        self.changes_label.setText(changes_summary(self.changes))
        self._update_buttons()
        self.changes_changed.emit()

    def _on_write_failed(self, message: str) -> None:
        self.status.setText(f"The label changes could not be saved: {message}")

    def _on_dataset_changed(self, dataset: Dataset | None) -> None:
        if dataset is not None and dataset is not self._dataset and not self.running:
            self._dataset, self.result = dataset, None
            self.model.set_issues(None, [])
            self.status.setText(f"{dataset.path.name}: {len(dataset):,} samples. Check labels "
                                "ranks the ones most likely labelled wrong.")
            backbone = pretrained_backbone(dataset.kind)
            self.pretrained.setEnabled(backbone is not None)
            self.pretrained.setChecked(backbone is not None)
            self.pretrained.setToolTip(f"Features of {backbone}, computed once and cached"
                                       if backbone else "No pretrained backbone is installed")
        self.refresh_changes()

    def _update_buttons(self) -> None:
        selected = bool(self.table.selectionModel().selectedRows())
        self.start_button.setEnabled(not self.running and self.state.dataset is not None)
        self.cancel_button.setEnabled(self.running)
        self.pretrained.setEnabled(not self.running
                                   and self.state.dataset is not None
                                   and pretrained_backbone(self.state.dataset.kind) is not None)
        for button in (self.exclude_button, self.suggested_button, self.undo_button):
            button.setEnabled(selected)


class LabelCheckBar(QWidget):
    """The Data page's "Check labels…" button and what the next run will carry."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.window: LabelCheckWindow | None = None
        self.button = QPushButton("Check labels…")
        self.button.setToolTip("Find samples whose label is probably wrong, and leave them out "
                               "of the next run or correct them (your files stay as they are)")
        self.summary = QLabel()
        self.work = PendingWork(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.summary, 1)
        self.button.clicked.connect(self.open_window)
        state.dataset_changed.connect(lambda _dataset: self.refresh())
        state.catalog_changed.connect(lambda _catalog: self.refresh())
        self.refresh()

    def open_window(self) -> LabelCheckWindow:
        if self.window is None:
            self.window = LabelCheckWindow(self.state, self)
            self.window.changes_changed.connect(
                lambda: self._on_changes(self.window.changes if self.window else ()))
        self.window.show()
        self.window.raise_()
        return self.window

    def refresh(self) -> None:
        dataset, catalog = self.state.dataset, self.state.catalog
        self.button.setEnabled(dataset is not None)
        if dataset is None:
            self.summary.setText("")
            return
        self.work.start(lambda: catalog.label_changes(dataset.path), self._on_changes,
                        lambda message: self.summary.setText(message))

    def _on_changes(self, changes: tuple[LabelChange, ...]) -> None:
        self.summary.setText(changes_summary(tuple(changes)) if changes else "")
