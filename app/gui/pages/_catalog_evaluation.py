"""The run detail's Evaluation tab: ROC and precision-recall per class, and calibration.

``show_run(catalog, run)`` only remembers the run: its curves are computed (torchmetrics, so
torch, on the heavy pool) when the tab is first shown for it, never on the GUI thread and
never for a run nobody looks at. A run without test predictions (stopped, failed, still
running) says why instead of drawing empty plots. A class picker chooses one class against
the rest or "All classes" overlaid; the table lists every class's AUC and average precision
with the macro averages, and says why a class has no curve (no test sample of it).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.analysis import Evaluation, RocPr
from app.core.catalog import Catalog, RunRecord
from app.gui.widgets.evaluation_plots import EvaluationPlots
from app.gui.workers import PendingWork

ALL_CLASSES = "All classes"
TABLE_COLUMNS = ("Class", "Test samples", "ROC AUC", "Average precision", "Note")
_WAITING = {"queued": "has not started yet", "running": "is still training"}


def _evaluate(catalog: Catalog, run_id: int) -> Evaluation:
    from app.core.analysis import evaluate_run

    return evaluate_run(catalog, run_id)


def why_no_predictions(run: RunRecord) -> str:
    """Why ``run`` has nothing to evaluate, in the words the tab shows."""
    if run.status in _WAITING:
        return (f"Run {run.id} {_WAITING[run.status]}: its curves and calibration come from "
                "its test predictions, made when it completes.")
    said = f" ({run.message})" if run.message else ""
    return (f"Run {run.id} ended as {run.status}{said} before its test, so it has no test "
            "predictions to draw ROC, precision-recall or calibration from.")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class EvaluationTab(QWidget):
    loaded = Signal(int)  # the run's evaluation is drawn, or the reason it cannot be

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evaluation: Evaluation | None = None
        self._pending: tuple[Catalog, int] | None = None  # shown, not computed yet
        self._requested: int | None = None
        self._work = PendingWork(self)
        self.message = QLabel("No run is selected.")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picker = QComboBox()
        self.picker.setToolTip("One class against all the others, or every class overlaid")
        self.picker.currentTextChanged.connect(self._on_class_chosen)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.plots = EvaluationPlots()
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(TABLE_COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.plots.set_corner(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Class:"))
        top.addWidget(self.picker)
        top.addWidget(self.summary, 1)
        self.content = QWidget()
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(top)
        inner.addWidget(self.plots, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.content, 1)
        self._say("No run is selected.")

    @property
    def busy(self) -> bool:
        return self._work.busy

    # ----------------------------------------------------------------------------- API
    def show_run(self, catalog: Catalog | None, run: RunRecord | None) -> None:
        """Evaluate ``run`` when the tab is shown (``None``: nothing is selected)."""
        self.evaluation, self._pending = None, None
        self._requested = run.id if run is not None else None
        if run is None or catalog is None:
            self._say("No run is selected.")
            return
        tested = bool(run.test_metrics) and run.test_metrics.get("accuracy") is not None
        if not tested:
            self._say(why_no_predictions(run))
            self.loaded.emit(run.id)
            return
        self._say(f"Computing run {run.id}'s curves and calibration…")
        self._pending = (catalog, run.id)
        if self.isVisible():
            self._start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._start()

    # -------------------------------------------------------------------------- handlers
    def _start(self) -> None:
        if self._pending is None:
            return
        catalog, run_id = self._pending
        self._pending = None
        self._work.start(lambda: _evaluate(catalog, run_id),
                         lambda evaluation: self._on_evaluated(run_id, evaluation),
                         lambda message: self._on_failed(run_id, message), heavy=True)

    def _on_failed(self, run_id: int, message: str) -> None:
        if run_id == self._requested:
            self._say(f"Run {run_id} cannot be evaluated: {message}")
            self.loaded.emit(run_id)

    def _on_evaluated(self, run_id: int, evaluation: Evaluation) -> None:
        if run_id != self._requested:
            return
        self.evaluation = evaluation
        self.message.hide()
        self.content.show()
        calibration = evaluation.calibration
        if calibration.ece is None:
            self.summary.setText("The test split was empty.")
        else:
            self.summary.setText(
                f"{calibration.samples} test samples · accuracy {100 * calibration.accuracy:.1f}%"
                f" · mean confidence {100 * calibration.mean_confidence:.1f}% · expected "
                f"calibration error (ECE) {calibration.ece:.3f} · largest bin gap (MCE) "
                f"{calibration.mce:.3f}")
        self._fill_table(evaluation.curves)
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.addItems([ALL_CLASSES, *evaluation.class_names])
        self.picker.blockSignals(False)
        self.plots.draw(evaluation, None)
        self.loaded.emit(run_id)

    def _on_class_chosen(self, text: str) -> None:
        if self.evaluation is not None and text:
            self.plots.draw(self.evaluation, None if text == ALL_CLASSES else text)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.content.hide()
        self.plots.clear()
        self.table.setRowCount(0)
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.blockSignals(False)

    def _fill_table(self, curves: RocPr) -> None:
        rows = [(c.name, str(c.positives), _number(c.auc), _number(c.average_precision),
                 c.note) for c in curves.classes]
        rows.append(("Macro average", str(curves.samples), _number(curves.macro_auc),
                     _number(curves.macro_average_precision),
                     "classes with a curve"))
        self.table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column in (1, 2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)

    def table_text(self) -> list[list[str]]:
        """The table's cells, row by row (what a reader of the tab sees)."""
        return [[self.table.item(row, column).text() for column in range(len(TABLE_COLUMNS))]
                for row in range(self.table.rowCount())]
