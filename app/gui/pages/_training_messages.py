"""The message strip: how the last run ended, in words, inside the window (never a dialog).

A stopped run gets a "Resume run N" button; the page decides what that button does. The strip
remembers which run it is about (``run_id``), so the page can clear it once that run is no
longer the news: the next run was created, or that run went to the trash or was deleted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

# kind → (background, border, text)
_COLORS = {
    "info": ("#EAF2FB", "#9CC2E5", "#1B3A57"),
    "success": ("#E8F5EC", "#8FCBA2", "#1D4A2A"),
    "warning": ("#FFF6E0", "#E8C36A", "#5A4300"),
    "error": ("#FDECEA", "#E59A92", "#6B1A12"),
}


class MessageArea(QFrame):
    resume_requested = Signal(int)  # run id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingMessage")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.resume_button = QPushButton()
        self.resume_button.clicked.connect(self._on_resume)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.close_button)
        self.kind = ""
        self.run_id: int | None = None  # the run the message is about, if it is about one
        self._resume_run: int | None = None
        self.clear()

    def show_message(self, kind: str, text: str, *, run_id: int | None = None,
                     resume_run: int | None = None) -> None:
        background, border, color = _COLORS[kind]
        self.setStyleSheet(
            f"#trainingMessage {{ background: {background}; border: 1px solid {border}; "
            f"border-radius: 4px; }} #trainingMessage QLabel {{ color: {color}; }}")
        self.kind = kind
        self.run_id = run_id if run_id is not None else resume_run
        self.label.setText(text)
        self._resume_run = resume_run
        self.resume_button.setVisible(resume_run is not None)
        if resume_run is not None:
            self.resume_button.setText(f"Resume run {resume_run}")
        self.setVisible(True)

    def clear(self) -> None:
        self.kind = ""
        self.run_id = None
        self.label.clear()
        self._resume_run = None
        self.resume_button.setVisible(False)
        self.setVisible(False)

    @property
    def text(self) -> str:
        return self.label.text()

    def _on_resume(self) -> None:
        run_id = self._resume_run
        if run_id is not None:
            self.resume_button.setVisible(False)
            self.resume_requested.emit(run_id)
