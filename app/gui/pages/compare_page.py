"""The Compare page: two or more runs side by side.

Overlaid curves (one stable colour per run), a metrics table with the best value marked, the
parameters that differ, and for two runs on the same test split an error diff (the samples B
fixed and broke relative to A). Reading the comparison and the diff happens on the thread
pool; results for a selection that has since changed are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog, Comparison
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

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.comparison: Comparison | None = None
        self._generation = 0
        self._build()
        self.picker.selection_changed.connect(self._on_selection_changed)
        self.errors.swap_requested.connect(self._on_swap)
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
        self.tabs.addTab(self.curves, "Curves")
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

    # --------------------------------------------------------------------------- handlers
    def _reload_runs(self) -> None:
        # One short indexed query of at most PICKER_LIMIT rows; the slow reads (histories,
        # predictions) happen in the background.
        self.picker.set_runs(self.state.catalog.list_runs(limit=PICKER_LIMIT))

    def _on_runs_changed(self) -> None:
        before = self.picker.checked_ids()
        self._reload_runs()
        after = self.picker.checked_ids()
        if after != before or len(after) >= 2:
            self._on_selection_changed(after)

    def _on_catalog_changed(self, _catalog: Catalog) -> None:
        self.picker.set_runs([])
        self.picker.set_checked([])

    def _on_swap(self) -> None:
        ids = self.picker.checked_ids()
        if len(ids) == 2:
            self.picker.set_checked(ids[::-1])

    def _on_selection_changed(self, run_ids: list[int]) -> None:
        self._generation += 1
        generation = self._generation
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
        self.curves.set_runs(comparison.curves, labels)
        self.metrics.show_comparison(comparison)
        self.params.show_comparison(comparison)
        self.comparison_shown.emit(comparison)

    def _on_error_diff(self, generation: int, result: ErrorDiffResult) -> None:
        if generation != self._generation:
            return
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
