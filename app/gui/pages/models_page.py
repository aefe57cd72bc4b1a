"""The Models page (placeholder until its page lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue


class ModelsPage(QWidget):
    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Models"))
