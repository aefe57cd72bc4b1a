"""The filter bar above the run table: search text (debounced), status, model, dataset, tag.

``changed`` fires once per user change (the text box waits ``DEBOUNCE_MS`` after the last
keystroke); ``values()`` gives the keyword arguments ``Catalog.list_runs`` takes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.core.catalog import RUN_STATUSES, Catalog

DEBOUNCE_MS = 250
ANY = "Any"


class CatalogFilters(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, model, notes, tags, dataset…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.status = self._combo("Status", [(s, s) for s in RUN_STATUSES])
        self.model = self._combo("Model", [])
        self.dataset = self._combo("Dataset", [])
        self.tag = self._combo("Tag", [])
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.changed)
        self.search.textChanged.connect(self._on_text_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        for label, combo in (("Status", self.status), ("Model", self.model),
                             ("Dataset", self.dataset), ("Tag", self.tag)):
            layout.addWidget(QLabel(label))
            layout.addWidget(combo, 1)

    def _combo(self, name: str, items: Iterable[tuple[str, Any]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"filter_{name.lower()}")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.addItem(ANY, None)
        for text, value in items:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        return combo

    # ----------------------------------------------------------------------------- API
    def values(self) -> dict[str, Any]:
        """``list_runs``/``count_runs`` keyword arguments for the current choices."""
        text = self.search.text().strip()
        return {"text": text or None, "status": self.status.currentData(),
                "model": self.model.currentData(), "dataset_id": self.dataset.currentData(),
                "tag": self.tag.currentData()}

    def set_choice(self, name: str, value: Any) -> None:
        """Select ``value`` in the ``name`` combo ("status", "model", "dataset", "tag")."""
        combo: QComboBox = getattr(self, name)
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    def flush(self) -> None:
        """Apply a pending search text now instead of after the debounce delay."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.changed.emit()

    def reload_choices(self, catalog: Catalog) -> None:
        """Refill the dataset, model and tag lists from what the catalog holds."""
        datasets = [(f"{Path(d.path).name} (#{d.id})", d.id) for d in catalog.list_datasets()]
        self._refill(self.dataset, datasets)
        self._refill(self.model, [(name, name) for name in catalog.list_models()])
        self._refill(self.tag, [(tag, tag) for tag in catalog.list_tags()])

    # -------------------------------------------------------------------------- handlers
    def _on_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _refill(self, combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        """Replace the items, keeping the current choice if it still exists (no signal)."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ANY, None)
        for text, value in items:
            combo.addItem(text, value)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if current is not None and index < 0:
            self.changed.emit()  # the chosen tag or dataset is gone

