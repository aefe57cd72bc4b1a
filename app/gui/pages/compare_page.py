"""The Compare page: two or more runs side by side.

Overlaid curves (one colour per shown run, distinct for 24 runs: ``assign_colors``; the legend
beside the plots, full names on hover; a log y axis on demand and, by default, y ranges fitted
to the typical runs so one diverged run does not flatten the others), a metrics table with
the best value marked, the parameters that differ, and for two runs on the same test split an
error diff (the samples B fixed and broke relative to A). Reading the picker's runs, the
comparison and the diff happens on the thread pool; results for a selection (or a list) that
has since changed are dropped.
``run_changed`` and ``runs_changed`` arriving together reload the picker once.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog, Comparison, RunRow
from app.gui.colors import assign_colors
from app.gui.pages._compare_errors import ErrorDiffResult, ErrorDiffView
from app.gui.pages._compare_picker import RunPicker, run_label
from app.gui.pages._compare_tables import MetricsTable, ParamDiffView
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.widgets.run_curves import RunCurves
from app.gui.workers import run_in_background

CURVE_KEYS = ("val_loss", "val_accuracy", "train_loss")
PICKER_LIMIT = 1000  # newest runs listed; show_runs can still compare older ones
EMPTY_HINT = ("Check two or more runs on the left, or select runs on the Catalog page and "
              "choose “Compare selected”.")


def compute_error_diff(catalog: Catalog, run_a: int, run_b: int) -> ErrorDiffResult:
    """Background work: the diff, plus A's predictions (the captions show both runs' guesses)."""
    from app.core.analysis import error_diff, test_results

    diff = error_diff(catalog, run_a, run_b)
    a_predictions: dict[int, tuple[str, float]] = {}
    if diff.comparable:
        a_predictions = {s.index: (s.predicted_label, s.confidence)
                         for s in test_results(catalog, run_a).samples}
    return ErrorDiffResult(diff, catalog.get_run_record(run_a), catalog.get_run_record(run_b),
                           a_predictions)


class ComparePage(QWidget):
    comparison_shown = Signal(object)  # Comparison, after every view shows it
    error_diff_shown = Signal(object)  # ErrorDiffResult, or None when there is no pair
    runs_listed = Signal(int)  # the picker now lists this many runs

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.comparison: Comparison | None = None
        self.colors: dict[int, str] = {}  # the checked runs' colours, kept while checked
        self._generation = 0
        self._listing = 0  # generation of the picker's list reads
        self._listed = 0  # the newest generation answered
        self._reload_pending = False
        self._changed: set[int] | None = set()  # runs changed since the last list (None: any)
        self._build()
        self.picker.selection_changed.connect(self._on_selection_changed)
        self.errors.swap_requested.connect(self._on_swap)
        state.run_changed.connect(self._on_run_changed)
        state.runs_changed.connect(self._on_runs_changed)
        state.catalog_changed.connect(self._on_catalog_changed)
        self._reload_runs()
        self._on_selection_changed([])

    # ----------------------------------------------------------------------------- layout
    def _build(self) -> None:
        self.picker = RunPicker()
        self.picker.setMinimumWidth(200)
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet("color: #D55E00")
        self.status_label.hide()

        self.curves = RunCurves(CURVE_KEYS, columns=len(CURVE_KEYS))
        self.curves.set_robust_range(True)
        self.log_axis = QCheckBox("Log y axis (loss)")
        self.log_axis.toggled.connect(self.curves.set_log_y)
        self.robust_range = QCheckBox("Fit y range to the typical runs")
        self.robust_range.setChecked(True)
        self.robust_range.setToolTip("Ignore each run's top 2 % of values and runs far above "
                                     "the others when fitting the y range (they still show).")
        self.robust_range.toggled.connect(self.curves.set_robust_range)
        curve_options = QHBoxLayout()
        curve_options.addWidget(self.log_axis)
        curve_options.addWidget(self.robust_range)
        curve_options.addStretch(1)
        curves_tab = QWidget()
        curves_layout = QVBoxLayout(curves_tab)
        curves_layout.setContentsMargins(0, 0, 0, 0)
        curves_layout.addLayout(curve_options)
        curves_layout.addWidget(self.curves, 1)
        self.metrics = MetricsTable()
        self.params = ParamDiffView()
        metrics_box, params_box = QGroupBox("Metrics (★ best)"), QGroupBox("Parameters that differ")
        QVBoxLayout(metrics_box).addWidget(self.metrics)
        QVBoxLayout(params_box).addWidget(self.params)
        tables = QSplitter(Qt.Orientation.Vertical)
        tables.addWidget(metrics_box)
        tables.addWidget(params_box)
        tables.setSizes([420, 240])
        tables.setChildrenCollapsible(False)

        self.errors = ErrorDiffView()
        self.tabs = QTabWidget()
        self.tabs.addTab(curves_tab, "Curves")
        self.tabs.addTab(tables, "Metrics && parameters")
        self.tabs.addTab(self.errors, "Error diff (A → B)")
        self.empty_label = QLabel(EMPTY_HINT)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QStackedWidget()
        self.body.addWidget(self.empty_label)
        self.body.addWidget(self.tabs)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title_label)
        right_layout.addWidget(self.status_label)
        right_layout.addWidget(self.body, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.picker)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 880])
        splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)

    # ----------------------------------------------------------------------------- public
    def show_runs(self, run_ids: Sequence[int]) -> None:
        """Compare exactly these runs, in this order (the first two are A and B)."""
        self.picker.set_checked([int(run_id) for run_id in run_ids])

    def selected_runs(self) -> list[int]:
        return self.picker.checked_ids()

    @property
    def listing(self) -> bool:
        """Whether the picker's list is being read (or about to be)."""
        return self._reload_pending or self._listed < self._listing

    # --------------------------------------------------------------------------- handlers
    def _reload_runs(self) -> None:
        """List the newest PICKER_LIMIT runs (light rows, one indexed keyset page) in the
        background; the newest read wins."""
        self._reload_pending = False
        self._listing += 1
        listing, catalog = self._listing, self.state.catalog
        run_in_background(self, lambda: catalog.page_runs(limit=PICKER_LIMIT).rows,
                          lambda rows: self._on_listed(listing, rows),
                          lambda message: self._on_list_failed(listing, message))

    def _schedule_reload(self) -> None:
        if not self._reload_pending:  # run_changed + runs_changed of one change: one read
            self._reload_pending = True
            QTimer.singleShot(0, self._reload_runs)

    def _on_run_changed(self, run_id: int) -> None:
        if self._changed is not None:
            self._changed.add(run_id)
        self._schedule_reload()

    def _on_runs_changed(self) -> None:
        if not self._reload_pending:  # not the runs_changed that follows a run_changed
            self._changed = None
        self._schedule_reload()

    def _on_listed(self, listing: int, rows: Sequence[RunRow]) -> None:
        if listing != self._listing:
            return
        self._listed = listing
        changed, self._changed = self._changed, set()
        before = self.picker.checked_ids()
        self.picker.set_runs(rows)
        after = self.picker.checked_ids()
        self.runs_listed.emit(len(rows))
        touched = changed is None or bool(changed & set(after))
        if after != before or (len(after) >= 2 and touched):
            self._on_selection_changed(after)

    def _on_list_failed(self, listing: int, message: str) -> None:
        if listing == self._listing:
            self._listed = listing
            self.status_label.setText(f"Cannot list the runs: {message}")
            self.status_label.show()

    def _on_catalog_changed(self, _catalog: Catalog) -> None:
        self._listing += 1  # a list of the old catalog arriving now is dropped
        self.picker.set_runs([])
        self.picker.set_checked([])
        self._changed = None
        self._schedule_reload()

    def _on_swap(self) -> None:
        ids = self.picker.checked_ids()
        if len(ids) == 2:
            self.picker.set_checked(ids[::-1])

    def _on_selection_changed(self, run_ids: list[int]) -> None:
        self._generation += 1
        generation = self._generation
        self.colors = assign_colors(run_ids, self.colors)
        self.picker.set_colors(self.colors)
        self.status_label.hide()
        if len(run_ids) < 2:
            self.comparison = None
            self.title_label.setText("<h3>Compare runs</h3>")
            self.body.setCurrentWidget(self.empty_label)
            self.errors.show_message("Check exactly two runs to see which test samples the "
                                     "second one fixed and which it broke.")
            return
        self.title_label.setText(f"<h3>Comparing {len(run_ids)} runs</h3>")
        self.body.setCurrentWidget(self.tabs)
        catalog = self.state.catalog
        run_in_background(self, lambda: catalog.compare_runs(run_ids),
                          lambda result: self._on_compared(generation, result),
                          lambda message: self._on_failed(generation, message))
        if len(run_ids) != 2:
            self.errors.show_message(
                f"The error diff compares two runs; {len(run_ids)} are checked. Check only the "
                "two you want to compare (the first checked is A).")
            self.error_diff_shown.emit(None)
            return
        run_a, run_b = run_ids
        self.errors.show_message("Computing the error diff…")
        run_in_background(self, lambda: compute_error_diff(catalog, run_a, run_b),
                          lambda result: self._on_error_diff(generation, result),
                          lambda message: self._on_error_diff_failed(generation, message))

    def _on_compared(self, generation: int, comparison: Comparison) -> None:
        if generation != self._generation:
            return
        self.comparison = comparison
        labels = {run.id: run_label(run) for run in comparison.runs}
        self.curves.set_runs(comparison.curves, labels, self.colors)
        self.metrics.show_comparison(comparison, self.colors)
        self.params.show_comparison(comparison, self.colors)
        self.comparison_shown.emit(comparison)

    def _on_error_diff(self, generation: int, result: ErrorDiffResult) -> None:
        if generation != self._generation:
            return
        self.errors.colors = self.colors
        self.errors.show_result(result)
        self.error_diff_shown.emit(result)

    def _on_error_diff_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.errors.show_message(f"No error diff: {message}")
            self.error_diff_shown.emit(None)

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.status_label.setText(f"Cannot compare these runs: {message}")
            self.status_label.show()
