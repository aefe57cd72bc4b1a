"""The run detail's Lineage tab: the runs this one was fine-tuned from, and those tuned from it.

Each relative is a button that opens it (``open_requested``), ancestors nearest first, then
descendants by depth. Trashed relatives stay in the chain, marked, so it never looks broken.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.core.catalog import Lineage, RunRecord
from app.gui.colors import run_color
from app.gui.pages._compare_picker import color_swatch, describe_run

MAX_LISTED = 50  # per side; a wider family is summarised


class LineageTab(QScrollArea):
    open_requested = Signal(int)  # a relative's run id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.buttons: dict[int, QPushButton] = {}
        self.lineage: Lineage | None = None
        self._host = QWidget()
        self._layout = QVBoxLayout(self._host)
        self.setWidget(self._host)

    def show_lineage(self, lineage: Lineage | None) -> None:
        if lineage == self.lineage and lineage is not None:
            return
        self.lineage = lineage
        self.buttons.clear()
        host = QWidget()
        self._layout = QVBoxLayout(host)
        if lineage is not None:
            self._layout.addWidget(self._group(
                "Fine-tuned from (nearest first)", lineage.ancestors,
                "Trained from its own start, not fine-tuned from another run."))
            self._layout.addWidget(self._group(
                "Fine-tuned from this run", lineage.descendants,
                "No run was fine-tuned from this one yet (Fine-tune above starts one)."))
        self._layout.addStretch(1)
        self.setWidget(host)  # the previous host is deleted with its buttons
        self._host = host

    def count(self) -> int:
        """How many relatives are shown (for the tab title)."""
        return 0 if self.lineage is None else (len(self.lineage.ancestors)
                                               + len(self.lineage.descendants))

    def _group(self, title: str, runs: tuple[RunRecord, ...], empty: str) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        if not runs:
            hint = QLabel(empty)
            hint.setStyleSheet("color: #666;")
            layout.addWidget(hint)
        for run in runs[:MAX_LISTED]:
            trashed = " (in the trash)" if run.trashed_at else ""
            button = QPushButton(color_swatch(run_color(run.id)),
                                 f"Run {run.id}: {run.name} — {describe_run(run)}{trashed}")
            button.setFlat(True)
            button.setStyleSheet("text-align: left;")
            button.setToolTip(f"Open run {run.id} (uid {run.uid[:12]})")
            button.clicked.connect(lambda _checked=False, run_id=run.id:
                                   self.open_requested.emit(run_id))
            layout.addWidget(button)
            self.buttons[run.id] = button
        if len(runs) > MAX_LISTED:
            layout.addWidget(QLabel(f"… and {len(runs) - MAX_LISTED} more"))
        return box
