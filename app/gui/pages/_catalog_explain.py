"""Why the run got a test sample wrong: the explanation of its predicted class beside that of
its true class, for the sample selected in the misclassified browser.

"Explain" (or activating a sample) computes both on the heavy pool; selecting another sample
drops an answer still on its way (each request bumps a generation number).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets.explanation_views import SaliencyView, TokenView, compute_explanations
from app.gui.workers import PendingWork

SIDE = 200  # two overlays side by side
HINT = "Select a sample and press Explain to see what the model looked at."


class SampleExplanation(QWidget):
    explained = Signal(object)  # (predicted-class explanation, true-class explanation)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog: Callable[[], Any] | None = None  # gives the shown run's catalog
        self.button = QPushButton("Explain")
        self.button.setToolTip("What the model looked at for its prediction and for the true "
                               "class (Grad-CAM for images, integrated gradients for texts)")
        self.button.clicked.connect(self.explain)
        self.status = QLabel(HINT)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #555")
        self.headings = (QLabel(), QLabel())
        self.images = (SaliencyView(), SaliencyView())
        self.texts = (TokenView(), TokenView())
        self.panes = QWidget()
        grid = QGridLayout(self.panes)
        grid.setContentsMargins(0, 0, 0, 0)
        for column in range(2):
            grid.addWidget(self.headings[column], 0, column)
            grid.addWidget(self.images[column], 1, column)
            grid.addWidget(self.texts[column], 2, column)
            grid.setColumnStretch(column, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.panes)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(scroll, 1)
        self.work = PendingWork(self)
        self._run_id: int | None = None
        self._sample: Any = None
        self._generation = 0
        self.shown: tuple[Any, Any] | None = None
        self.set_sample(None, None)

    def set_sample(self, run_id: int | None, sample: Any) -> None:
        """``SampleResult`` of run ``run_id`` now selected (``None``: nothing selected)."""
        self._generation += 1  # an answer for the previous sample is stale now
        self._run_id, self._sample, self.shown = run_id, sample, None
        self.panes.hide()
        item = None if sample is None else (sample.image_path or sample.text)
        self.button.setEnabled(item is not None and self.catalog is not None)
        if sample is not None and item is None:
            self.status.setText("The dataset is not available, so the sample cannot be "
                                "explained.")
        else:
            self.status.setText(HINT)

    def explain(self) -> None:
        sample, run_id = self._sample, self._run_id
        if sample is None or run_id is None or self.catalog is None:
            return
        item = sample.image_path or sample.text
        if item is None:
            return
        self._generation += 1
        generation, catalog = self._generation, self.catalog()
        targets = (sample.predicted_label, sample.true_label)
        self.status.setText("Working out what the model looked at…")
        self.work.start(lambda: compute_explanations(catalog, run_id, item, targets, SIDE),
                        lambda results: self._on_explained(generation, results),
                        lambda message: self._on_failed(generation, message), heavy=True)

    def _on_explained(self, generation: int, results: list[tuple[Any, Any]]) -> None:
        if generation != self._generation:
            return
        titles = ("Predicted: {}", "True: {}")
        for column, (explained, overlay) in enumerate(results):
            self.headings[column].setText(f"<b>{titles[column].format(explained.target)}</b>")
            if overlay is not None:
                self.images[column].show_saliency(explained, overlay)
            else:
                self.texts[column].show_attributions(explained)
            self.images[column].setVisible(overlay is not None)
            self.texts[column].setVisible(overlay is None)
        sample = self._sample
        self.status.setText(f"{sample.sample_id}: true {sample.true_label}, predicted "
                            f"{sample.predicted_label} ({100 * sample.confidence:.0f}%)")
        self.panes.show()
        self.shown = (results[0][0], results[1][0])
        self.explained.emit(self.shown)

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.status.setText(f"⚠ The explanation cannot be computed: {message}")
            self.failed.emit(message)
