"""The queue list: the active run first, then the runs waiting their turn (removable)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.engine import Paused
from app.gui.training_queue import TrainingQueue

PENDING_ROLE = Qt.ItemDataRole.UserRole  # index into queue.pending, None for the active run


class QueueView(QGroupBox):
    def __init__(self, queue: TrainingQueue, parent: QWidget | None = None) -> None:
        super().__init__("Queue", parent)
        self.queue = queue
        self.list = QListWidget()
        self.list.setMinimumHeight(90)
        self.list.currentItemChanged.connect(self._on_selection)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Take the selected waiting run out of the queue")
        self.remove_button.clicked.connect(self._on_remove)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        queue.queue_changed.connect(self.refresh)
        queue.event.connect(lambda event: self.refresh() if isinstance(event, Paused) else None)
        self.refresh()

    def refresh(self) -> None:
        current, pending = self.queue.labels()
        self.list.clear()
        if current is not None:
            word = "paused" if self.queue.is_paused else "training"
            item = QListWidgetItem(f"▶ {current} — {word}")
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)
            item.setData(PENDING_ROLE, None)
            self.list.addItem(item)
        for index, label in enumerate(pending):
            item = QListWidgetItem(f"{index + 1}. {label} — waiting")
            item.setData(PENDING_ROLE, index)
            self.list.addItem(item)
        if self.list.count() == 0:
            item = QListWidgetItem("No runs queued. Start adds the configured run.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self._on_selection()

    def _selected_pending(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else item.data(PENDING_ROLE)

    def _on_selection(self, *_args: object) -> None:
        self.remove_button.setEnabled(self._selected_pending() is not None)

    def _on_remove(self) -> None:
        index = self._selected_pending()
        if index is not None:
            self.queue.remove_pending(index)
