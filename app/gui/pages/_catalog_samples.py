"""The run detail's sample views: the confusion matrix with the samples of a clicked cell, and
the misclassified-sample browser. Both read one ``TestResults`` the detail view loads in the
background (``set_results``); until then they say what they are waiting for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.gui.pages._catalog_explain import SampleExplanation
from app.gui.widgets.confusion_matrix import ConfusionMatrixView
from app.gui.widgets.sample_grid import SampleGrid, SampleItem

ERROR_COLOR = "#D55E00"


def sample_items(samples: Sequence[Any]) -> list[SampleItem]:
    """``SampleResult`` → grid cells captioned "true → predicted (confidence 93%)"."""
    items = []
    for sample in samples:
        caption = (f"{sample.true_label} → {sample.predicted_label} "
                   f"(confidence {100 * sample.confidence:.0f}%)")
        items.append(SampleItem(
            caption=caption, image_path=sample.image_path, text=sample.text,
            tooltip=f"{sample.sample_id}\n{caption}",
            highlight=None if sample.correct else ERROR_COLOR))
    return items


class SamplesBrowser(QWidget):
    """A heading and a ``SampleGrid``."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(placeholder)
        self.heading.setWordWrap(True)
        self.grid = SampleGrid()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.grid, 1)

    def show_samples(self, heading: str, samples: Sequence[Any]) -> None:
        self.heading.setText(heading)
        self.grid.set_samples(sample_items(samples))

    def show_message(self, text: str) -> None:
        self.heading.setText(text)
        self.grid.set_samples([])

    def count(self) -> int:
        return self.grid.sample_model.rowCount()


class ConfusionTab(QWidget):
    """Heat map on top; clicking a cell lists that cell's test samples below it.

    The heat map (a graphics item per cell: tens of milliseconds for ten classes) is drawn
    when the tab is first shown for a run, not when the run is selected with another tab open.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix = ConfusionMatrixView()
        self.matrix.cell_clicked.connect(self._on_cell_clicked)
        self.browser = SamplesBrowser("Click a cell to see the test samples behind it.")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.matrix)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([500, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._results: Any = None
        self._pending: tuple[int, int] | None = None
        self._status = ""
        self._metrics: Mapping[str, Any] | None = None  # not drawn yet

    def show_metrics(self, metrics: Mapping[str, Any] | None) -> None:
        self._metrics = metrics or {}
        self._results, self._pending = None, None
        self.browser.show_message("Click a cell to see the test samples behind it.")
        if self.isVisible():
            self._draw()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._draw()

    def _draw(self) -> None:
        if self._metrics is None:
            return
        metrics, self._metrics = self._metrics, None
        classes = list(metrics.get("classes") or ())
        counts = metrics.get("confusion_matrix") or [[0] * len(classes) for _ in classes]
        self.matrix.set_matrix(counts, classes)

    def set_results(self, results: Any, status: str = "") -> None:
        """``TestResults`` (or ``None`` with a reason in ``status``)."""
        self._results, self._status = results, status
        if self._pending is not None:
            self._on_cell_clicked(*self._pending)

    def _on_cell_clicked(self, row: int, col: int) -> None:
        names = self.matrix.class_names
        true, predicted = names[row], names[col]
        if self._results is None:
            self._pending = (row, col)
            self.browser.show_message(self._status or "Loading the test predictions…")
            return
        self._pending = None
        samples = self._results.cell(true, predicted)
        kind = "correct" if row == col else "misclassified"
        note = f" — {self._results.note}" if self._results.note else ""
        self.browser.show_samples(
            f"True {true}, predicted {predicted}: {len(samples)} {kind} test samples, "
            f"surest first{note}", samples)


class MisclassifiedTab(QWidget):
    """Every wrong test prediction, surest first; optionally of one true/predicted class.
    Beside them, the selected sample's explanation (once ``explain_with`` says where the
    catalog is)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.true_combo, self.predicted_combo = QComboBox(), QComboBox()
        for combo in (self.true_combo, self.predicted_combo):
            combo.currentIndexChanged.connect(self._on_filter)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("True class:"))
        bar.addWidget(self.true_combo)
        bar.addWidget(QLabel("Predicted class:"))
        bar.addWidget(self.predicted_combo)
        bar.addStretch(1)
        self.browser = SamplesBrowser("Loading the test predictions…")
        self.explanation = SampleExplanation()
        self.browser.grid.sample_selected.connect(self._on_sample_selected)
        self.browser.grid.sample_activated.connect(lambda _row: self.explanation.explain())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.browser)
        splitter.addWidget(self.explanation)
        splitter.setSizes([500, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self._results: Any = None
        self._shown: tuple[Any, ...] = ()

    def set_results(self, results: Any, status: str = "") -> None:
        self._results = results
        self._shown = ()
        self.explanation.set_sample(None, None)
        for combo in (self.true_combo, self.predicted_combo):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("Any", None)
            for name in (results.class_names if results is not None else ()):
                combo.addItem(name, name)
            combo.blockSignals(False)
        if results is None:
            self.browser.show_message(status or "Loading the test predictions…")
        else:
            self._on_filter()

    def _on_filter(self) -> None:
        results = self._results
        if results is None:
            return
        samples = results.misclassified(self.true_combo.currentData(),
                                        self.predicted_combo.currentData())
        self._shown = samples
        self.explanation.set_sample(None, None)
        total = len(results.samples)
        note = f" — {results.note}" if results.note else ""
        self.browser.show_samples(
            f"{len(samples)} misclassified of {total} test samples, surest first{note}", samples)

    def explain_with(self, catalog: Callable[[], Any]) -> None:
        """``catalog()`` gives the catalog whose runs the shown results are of."""
        self.explanation.catalog = catalog

    def select_sample(self, row: int) -> None:
        """Make ``row`` of the shown samples the current one (as a click does)."""
        self.browser.grid.setCurrentIndex(self.browser.grid.sample_model.index(row))

    def _on_sample_selected(self, row: int) -> None:
        results = self._results
        sample = self._shown[row] if results is not None and 0 <= row < len(self._shown) \
            else None
        self.explanation.set_sample(None if results is None else results.run_id, sample)
