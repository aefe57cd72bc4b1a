"""Try it's "Show what the model looked at": the prediction's explanation under its scores.

Computed on the heavy pool only while the box is ticked, for the input the page last
predicted on; an answer for an older input, class or model is dropped (each request bumps a
generation number).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets.explanation_views import SaliencyView, TokenView, compute_explanations
from app.gui.workers import PendingWork

PREDICTED = "the predicted class"


class ExplanationPanel(QWidget):
    explained = Signal(object)  # the Saliency or TokenAttributions now shown
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QCheckBox("Show what the model looked at")
        self.toggle.setToolTip("Grad-CAM for image models, integrated gradients for text "
                               "models (Captum); computed in the background")
        self.toggle.toggled.connect(self._on_toggled)
        self.target = QComboBox()
        self.target.setToolTip("Which class to explain")
        self.target.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.target.currentIndexChanged.connect(lambda _i: self._start())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #555")
        self.saliency, self.tokens = SaliencyView(), TokenView()
        self.views = QStackedWidget()
        self.views.addWidget(self.saliency)
        self.views.addWidget(self.tokens)
        row = QHBoxLayout()
        row.addWidget(self.toggle)
        row.addStretch(1)
        row.addWidget(QLabel("for"))
        row.addWidget(self.target)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.views, 1)
        self.work = PendingWork(self)
        self._request: tuple[Any, int, str | Path] | None = None
        self._generation = 0
        self.target.setEnabled(False)
        self.clear()

    # ----------------------------------------------------------------------------- public
    def show_for(self, catalog: Any, run_id: int, class_names: tuple[str, ...],
                 item: str | Path) -> None:
        """The page predicted ``item`` with run ``run_id``: explain it if the box is ticked."""
        names = tuple(self.target.itemText(i) for i in range(1, self.target.count()))
        if names != class_names:
            self.target.blockSignals(True)
            self.target.clear()
            self.target.addItems([PREDICTED, *class_names])
            self.target.blockSignals(False)
        self._request = (catalog, int(run_id), item)
        self._start()

    def clear(self) -> None:
        """Nothing to explain (another model was chosen, or the prediction failed)."""
        self._generation += 1
        self._request = None
        self.views.hide()
        self.status.setText("")

    def shown(self) -> Any:
        """The explanation on screen, or ``None``."""
        if self.views.isHidden():
            return None
        view = self.views.currentWidget()
        return view.saliency if view is self.saliency else self.tokens.attributions

    # ---------------------------------------------------------------------------- private
    def _on_toggled(self, checked: bool) -> None:
        self.target.setEnabled(checked)
        if checked:
            self._start()
        else:
            self._generation += 1
            self.views.hide()
            self.status.setText("")

    def _start(self) -> None:
        if not self.toggle.isChecked() or self._request is None:
            return
        self._generation += 1
        generation = self._generation
        catalog, run_id, item = self._request
        target = self.target.currentText() if self.target.currentIndex() > 0 else None
        self.status.setText("Working out what the model looked at…")
        self.work.start(lambda: compute_explanations(catalog, run_id, item, (target,)),
                        lambda results: self._on_explained(generation, *results[0]),
                        lambda message: self._on_failed(generation, message), heavy=True)

    def _on_explained(self, generation: int, explained: Any, overlay: Any) -> None:
        if generation != self._generation:
            return
        if overlay is not None:
            self.saliency.show_saliency(explained, overlay)
            self.views.setCurrentWidget(self.saliency)
        else:
            self.tokens.show_attributions(explained)
            self.views.setCurrentWidget(self.tokens)
        self.status.setText("")
        self.views.show()
        self.explained.emit(explained)

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.views.hide()
            self.status.setText(f"⚠ The explanation cannot be computed: {message}")
            self.failed.emit(message)
