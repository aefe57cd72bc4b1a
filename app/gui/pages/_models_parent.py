"""The Models page's fine-tuning banner: which catalog run the next run starts from.

Shown while ``init_from`` names a run (set by a run's Fine-tune button); "Start fresh" forgets
it. Whether the classes match is only known against the open dataset, so the banner says what
happens in both cases rather than guessing.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.gui.state import AppState


class FineTuneBanner(QFrame):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("fineTuneBanner")
        self.setStyleSheet("#fineTuneBanner { background: #EAF2FB; border-radius: 4px; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.fresh_button = QPushButton("Start fresh")
        self.fresh_button.setToolTip("Do not fine-tune: start from the architecture's own "
                                     "initial weights")
        self.fresh_button.clicked.connect(state.start_fresh)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.fresh_button)
        state.fine_tune_changed.connect(self._show)
        self._show(state.fine_tune_label)

    def _show(self, label: str) -> None:
        uid = self.state.values.get("init_from") or ""
        self.label.setText(
            f"<b>Fine-tuning {label}</b> (uid {str(uid)[:8]}): with its classes the run "
            "continues from all its weights; with other classes it keeps the backbone and "
            "gets a new head. Inputs are encoded as that run saw them.")
        self.setVisible(bool(label))
