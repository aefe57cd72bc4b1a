"""An in-page message strip with an optional action button (e.g. "Undo") and a close button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

_STYLES = {
    "info": "background: #E8F1FA; border: 1px solid #9BC1E6;",
    "error": "background: #FCE9E1; border: 1px solid #E7A88C;",
}


def format_bytes(count: int) -> str:
    """``1234567`` → ``"1.2 MB"`` (decimal units, as file managers show sizes)."""
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"  # pragma: no cover - unreachable


class MessageBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.action_button = QPushButton()
        self.action_button.clicked.connect(self._on_action)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(close)
        self._action: Callable[[], None] | None = None
        self.kind = "info"  # of the message shown last: "info" or "error"
        self.hide()

    def show_message(self, text: str, *, action: str = "",
                     on_action: Callable[[], None] | None = None, kind: str = "info") -> None:
        self.kind = kind
        self.setStyleSheet(f"MessageBar {{ {_STYLES[kind]} border-radius: 4px; }}")
        self.label.setText(text)
        self._action = on_action
        self.action_button.setText(action)
        self.action_button.setVisible(bool(action and on_action))
        self.show()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def _on_action(self) -> None:
        action, self._action = self._action, None
        self.hide()
        if action is not None:
            action()
