"""A strip under the header: "Loading …" while the state loads, or why loading failed.

A failure leaves the previous dataset on screen; the banner says what went wrong until the
user dismisses it or something loads.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = ("#dataError { background: #FBE3D6; border: 1px solid #D55E00; border-radius: 4px; }"
               " #dataError QLabel { color: #6B2400; }")


class StatusStrip(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loading = QWidget()
        self.loading_label = QLabel()
        self.loading_label.setTextFormat(Qt.TextFormat.PlainText)
        busy = QProgressBar()
        busy.setRange(0, 0)  # indeterminate
        busy.setMaximumWidth(160)
        busy.setMaximumHeight(14)
        busy.setTextVisible(False)
        row = QHBoxLayout(self.loading)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(busy)
        row.addWidget(self.loading_label, 1)

        self.error = QFrame()
        self.error.setObjectName("dataError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dismiss = QToolButton()
        dismiss.setText("✕")
        dismiss.setToolTip("Dismiss")
        dismiss.setAutoRaise(True)
        dismiss.clicked.connect(self.error.hide)
        row = QHBoxLayout(self.error)
        row.setContentsMargins(8, 6, 4, 6)
        row.addWidget(self.error_label, 1)
        row.addWidget(dismiss, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.loading)
        layout.addWidget(self.error)
        self.clear()

    def show_loading(self, path: str) -> None:
        self.loading_label.setText(f"Loading {path} …")
        self.loading.show()

    def show_error(self, message: str, previous_shown: bool) -> None:
        self.loading.hide()
        after = "\nThe dataset shown below is unchanged." if previous_shown else ""
        self.error_label.setText(f"Could not open the dataset: {message}{after}")
        self.error.show()

    def clear(self) -> None:
        self.loading.hide()
        self.error.hide()
