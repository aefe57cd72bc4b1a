"""The Catalog page: every run in a sortable, filterable table over a run detail panel.

The table pages through ``Catalog.page_runs`` in keyset chunks of light rows (sorting and
filtering in SQL, on the thread pool); the detail panel loads one run in the background.
Deleting moves runs to the trash (with Undo); the Trash view restores them or empties the
trash, which deletes their files. Every read and write of this page runs off the GUI thread
and reports back through ``run_in_background``. A change to one run (``state.run_changed``)
re-reads that row only; ``state.runs_changed`` without a ``run_changed`` just before it in
the same turn of the event loop reloads the loaded rows. While a run trains, its row (and the
detail, if it shows that run) is re-read on RunStarted and each EpochEnd, at most once per
``PROGRESS_MS``, so a fast run does not flood the catalog with reads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog, TrashReport, export_runs_csv
from app.core.engine import EpochEnd, RunStarted
from app.core.jobs import JobEnded
from app.core.search import SearchOutcome
from app.gui.pages._catalog_detail import RunDetailView
from app.gui.pages._catalog_filters import CatalogFilters
from app.gui.pages._catalog_message import MessageBar, format_bytes
from app.gui.pages._catalog_model import COLUMNS, RunTableModel
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.workers import run_in_background

_WIDTHS = {"": 26, "ID": 44, "Name": 160, "Status": 80, "Model": 124, "Dataset": 96,
           "Best val": 100, "Test acc": 66, "Macro F1": 66, "Epochs": 56, "Time": 52,
           "Created": 118}
PROGRESS_MS = 300  # the training run's row is re-read at most this often


def _plural(count: int) -> str:
    return f"{count} run" if count == 1 else f"{count} runs"


def _export(catalog: Catalog, query: Any, sort: str, path: str | Path) -> int:
    """Background work: every run the query matches (light rows, their settings and metrics
    read from the catalog), written as CSV."""
    rows = catalog.page_runs(query, sort=sort, limit=None).rows
    export_runs_csv(rows, path, catalog)
    return len(rows)


class CatalogPage(QWidget):
    compare_requested = Signal(list)  # list[int]: run ids, in table order
    fine_tune_requested = Signal(int)  # a run's settings went to the Models page
    settings_used = Signal(int)  # a run's settings went to the Models page, to iterate on
    reproduce_queued = Signal(int)  # a reproduction of the run joined the training queue
    trash_emptied = Signal(object)  # TrashReport
    runs_trashed = Signal(list)  # list[int], after the catalog moved them to the trash
    runs_restored = Signal(list)  # list[int]
    exported = Signal(int)  # how many runs the CSV file holds

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self._undo_ids: list[int] = []
        self._writes = 0  # trash, restore and export tasks not yet answered
        self._one_run_announced = False
        self._kept: tuple[list[int], int | None] = ([], None)
        self._progress = QTimer(self)  # throttles re-reading the training run's row
        self._progress.setSingleShot(True)
        self._progress.setInterval(PROGRESS_MS)
        self._progress.timeout.connect(self._on_progress_due)
        self.model = RunTableModel(state.catalog, self)
        self.filters = CatalogFilters()
        self.filters.changed.connect(self._on_filters_changed)
        self.table = self._build_table()
        self.detail = RunDetailView(state, queue)
        self.message = MessageBar()
        self.count_label = QLabel()
        self.compare_button = self._button("Compare selected", self._on_compare,
                                           "Open the selected runs side by side")
        self.delete_button = self._button("Delete…", self._on_delete,
                                          "Move the selected runs to the trash")
        self.export_button = self._button("Export CSV…", self._on_export,
                                          "Save the runs the filters show as a CSV file")
        self.restore_button = self._button("Restore", self.restore_selected,
                                           "Take the selected runs out of the trash")
        self.empty_button = self._button("Empty trash…", self._on_empty_trash,
                                         "Delete the trashed runs and their files for good")
        self.trash_button = self._button("Trash", self.set_trash_view,
                                         "Show the runs in the trash", checkable=True)
        actions = QHBoxLayout()
        actions.addWidget(self.count_label, 1)
        for button in (self.compare_button, self.delete_button, self.restore_button,
                       self.empty_button, self.export_button, self.trash_button):
            actions.addWidget(button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.filters)
        top_layout.addLayout(actions)
        top_layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([300, 460])
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        self.detail.failed.connect(self._show_error)
        self.detail.fine_tune_requested.connect(self.fine_tune_requested)
        self.detail.settings_used.connect(self.settings_used)
        self.detail.reproduce_queued.connect(self.reproduce_queued)
        self.detail.open_requested.connect(self.open_run)
        self.model.failed.connect(self._show_error)
        self.model.modelAboutToBeReset.connect(self._on_about_to_reset)
        self.model.modelReset.connect(self._on_reset)
        for signal in (self.model.loaded, self.model.fetched, self.model.row_updated):
            signal.connect(lambda *_: self._update_actions())
        state.run_changed.connect(self._on_run_changed)
        state.runs_changed.connect(self._on_runs_changed)
        state.catalog_changed.connect(self._on_catalog_changed)
        queue.queue_changed.connect(self.detail.refresh)
        queue.event.connect(self._on_job_event)
        self.model.set_query()
        self.filters.reload_choices(state.catalog)
        self._update_actions()

    def _button(self, text: str, slot, tip: str, checkable: bool = False) -> QPushButton:  # noqa: ANN001
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        (button.toggled if checkable else button.clicked).connect(
            slot if checkable else lambda _checked=False: slot())
        return button

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setSortingEnabled(True)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(24)
        # Fixed rows let the header skip per-row bookkeeping: appending chunks to 10,000 rows
        # stalled the GUI thread ~400 ms inside Qt without it, ~40 ms with it.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setSortIndicator(COLUMNS.index(next(c for c in COLUMNS if c.title == "Created")),
                                Qt.SortOrder.DescendingOrder)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for number, column in enumerate(COLUMNS):
            if column.title in _WIDTHS:
                header.resizeSection(number, _WIDTHS[column.title])
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        return table

    # ----------------------------------------------------------------------------- API
    @property
    def busy(self) -> bool:
        """Whether any read or write of this page is still running (tests wait on it)."""
        return self.model.busy or self.detail.busy or self._writes > 0

    def refresh(self) -> None:
        """Reload the loaded rows, keeping the selection, and re-read the detail and lists."""
        self.model.refresh()
        self.filters.reload_choices(self.state.catalog)
        self.detail.refresh()

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.runs[row].id for row in rows]

    def select_runs(self, run_ids: list[int]) -> None:
        """Select these runs (those loaded in the table); the first becomes current."""
        self._reselect(run_ids, run_ids[0] if run_ids else None)

    def open_run(self, run_id: int) -> None:
        """Show ``run_id``: selected in the table when it is loaded there, else just in the
        detail panel (a relative in the trash, or beyond the loaded rows or the filters)."""
        if self.model.row_of(run_id) is not None:
            self.select_runs([run_id])
        else:
            self.table.selectionModel().clearSelection()
            self.detail.show_run(run_id)

    def trash_runs(self, run_ids: list[int]) -> None:
        """Move runs to the trash on the pool (the Delete dialog's Yes) and offer Undo."""
        if not run_ids:
            return
        ids, catalog = list(run_ids), self.state.catalog

        def done(_result: object) -> None:
            self._undo_ids = ids
            self.message.show_message(f"Moved {_plural(len(ids))} to the trash.",
                                      action="Undo", on_action=self.undo_trash)
            self.state.runs_changed.emit()
            self.runs_trashed.emit(ids)

        self._write(lambda: catalog.trash_runs(ids), done)

    def undo_trash(self) -> None:
        ids, self._undo_ids = self._undo_ids, []
        if ids:
            self._restore(ids)

    def restore_selected(self) -> None:
        self._restore(self.selected_ids())

    def set_trash_view(self, trash: bool) -> None:
        if self.trash_button.isChecked() != trash:
            self.trash_button.setChecked(trash)  # re-enters through toggled
            return
        self.model.set_query(trashed=trash)
        self.detail.show_run(None)
        self._update_actions()

    def empty_trash(self) -> None:
        """Delete the trashed runs and their folders on the pool; ``trash_emptied`` follows."""
        catalog = self.state.catalog
        self.empty_button.setEnabled(False)
        self.message.show_message("Emptying the trash…")
        self._write(catalog.empty_trash, self._on_trash_emptied)

    def export_csv(self, path: str | Path) -> None:
        """Write every run the filters match (not only loaded rows) on the pool; ``exported``
        follows with how many."""
        catalog, query, sort = self.state.catalog, self.model.run_query, self.model.sort_key

        def done(count: int) -> None:
            self.message.show_message(f"Exported {_plural(count)} to {path}.")
            self.exported.emit(count)

        self._write(lambda: _export(catalog, query, sort, path), done)

    # -------------------------------------------------------------------------- handlers
    def _on_filters_changed(self) -> None:
        self.model.set_query(filters=self.filters.values())
        self._update_actions()

    def _on_run_changed(self, run_id: int) -> None:
        # the runs_changed that follows in this turn of the event loop is about this run
        self._one_run_announced = True
        QTimer.singleShot(0, self._forget_announcement)
        self.model.update_run(run_id)
        self.filters.reload_choices(self.state.catalog)
        if run_id == self.detail.run_id:
            self.detail.refresh()

    def _on_job_event(self, event: object) -> None:
        if isinstance(event, (RunStarted, EpochEnd)):
            if not self._progress.isActive():
                self._progress.start()
            return
        if not isinstance(event, JobEnded):
            return
        self._progress.stop()  # its row is re-read below
        if event.outcome is None or isinstance(event.outcome, SearchOutcome):
            self.refresh()  # it failed before or after creating its run, or was a search
        else:
            self._on_run_changed(event.outcome.run_id)

    def _on_progress_due(self) -> None:
        run_id = self.queue.current_run_id
        if run_id is not None:
            self.model.update_run(run_id)  # read on the pool
            if run_id == self.detail.run_id:
                self.detail.refresh()

    def _forget_announcement(self) -> None:
        self._one_run_announced = False

    def _on_runs_changed(self) -> None:
        if not self._one_run_announced:
            self.refresh()

    def _on_catalog_changed(self, catalog: Catalog) -> None:
        self._undo_ids = []
        self.message.hide()
        self.detail.show_run(None)
        self.model.set_query(catalog=catalog)
        self.filters.reload_choices(catalog)
        self._update_actions()

    def _on_about_to_reset(self) -> None:
        self._kept = (self.selected_ids(), self._current_id())

    def _on_reset(self) -> None:
        selected, current = self._kept
        self._reselect(selected, current)
        self._update_actions()

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        run_id = self.model.runs[current.row()].id if current.isValid() else None
        if run_id is not None and run_id == self.detail.run_id:
            return
        self.detail.show_run(run_id)

    def _on_compare(self) -> None:
        ids = self.selected_ids()
        if len(ids) < 2:
            self.message.show_message("Select two or more runs to compare.")
            return
        self.compare_requested.emit(ids)  # the main window routes it to the Compare page

    def _on_delete(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        answer = QMessageBox.question(
            self, "Delete runs",
            f"Move {_plural(len(ids))} to the trash? You can undo this, or restore them from "
            "the Trash view until the trash is emptied.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            self.trash_runs(ids)

    def _on_empty_trash(self) -> None:
        count = self.model.total  # the button shows in the Trash view only: its count
        if not count:
            self.message.show_message("The trash is empty.")
            return
        answer = QMessageBox.warning(
            self, "Empty trash",
            f"Delete {_plural(count)} and their files for good? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.empty_trash()

    def _on_trash_emptied(self, report: TrashReport) -> None:
        self._undo_ids = []
        text = (f"Removed {_plural(report.runs_removed)}, reclaimed "
                f"{format_bytes(report.bytes_reclaimed)}.")
        if report.failed_folders:
            text += f" {len(report.failed_folders)} folders could not be deleted: " + ", ".join(
                str(folder) for folder in report.failed_folders[:3])
        self.message.show_message(text, kind="error" if report.failed_folders else "info")
        self.state.runs_changed.emit()
        self.trash_emptied.emit(report)

    def _on_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export runs as CSV", "runs.csv",
                                              "CSV files (*.csv);;All files (*)")
        if path:
            self.export_csv(path)

    # ------------------------------------------------------------------------- helpers
    def _write(self, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """A catalog write (or export) on the pool; a failure shows its message."""
        self._writes += 1

        def done(result: Any) -> None:
            self._writes -= 1
            on_done(result)

        def failed(message: str) -> None:
            self._writes -= 1
            self._show_error(message)
            self._update_actions()

        run_in_background(self, work, done, failed)

    def _restore(self, ids: list[int]) -> None:
        if not ids:
            return
        ids, catalog = list(ids), self.state.catalog

        def done(_result: object) -> None:
            self.message.show_message(f"Restored {_plural(len(ids))}.")
            self.state.runs_changed.emit()
            self.runs_restored.emit(ids)

        self._write(lambda: catalog.restore_runs(ids), done)

    def _show_error(self, text: str) -> None:
        self.message.show_message(text, kind="error")

    def _current_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.runs[index.row()].id if index.isValid() else None

    def _reselect(self, run_ids: list[int], current: int | None) -> None:
        selection = self.table.selectionModel()
        flags = (QItemSelectionModel.SelectionFlag.Select
                 | QItemSelectionModel.SelectionFlag.Rows)
        selection.clearSelection()
        for run_id in run_ids:
            row = self.model.row_of(run_id)
            if row is not None:
                selection.select(self.model.index(row, 0), flags)
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            selection.setCurrentIndex(self.model.index(row, 0),
                                      QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(self.model.index(row, 0))
        elif current is not None or self.detail.run_id is not None:
            self.detail.show_run(None)

    def _update_actions(self) -> None:
        trash = self.model.trashed
        selected = len(self.table.selectionModel().selectedRows())
        total = self.model.total
        self.count_label.setText(f"{_plural(total)} in the trash" if trash
                                 else f"{_plural(total)}")
        self.compare_button.setVisible(not trash)
        self.compare_button.setEnabled(selected >= 2)
        self.delete_button.setVisible(not trash)
        self.delete_button.setEnabled(selected > 0)
        self.restore_button.setVisible(trash)
        self.restore_button.setEnabled(selected > 0)
        self.empty_button.setVisible(trash)
        self.empty_button.setEnabled(total > 0)
        self.export_button.setVisible(not trash)
