"""The filter bar above the run table: search text, thresholds, status, model, dataset, tag.

``changed`` fires once per user change (the text boxes wait ``DEBOUNCE_MS`` after the last
keystroke); ``values()`` gives the :class:`~app.core.catalog.RunQuery` fields. The thresholds
box takes ``lr < 0.01, test_accuracy >= 0.9``: names of :data:`METRIC_COLUMNS` compare the
run's metric, any other name a parameter of its stored config. The choice lists are read on
the thread pool (``reload_choices``); the newest read wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.core.catalog import METRIC_COLUMNS, RUN_STATUSES, Catalog, RunQuery
from app.core.errors import CatalogError
from app.gui.workers import run_in_background

DEBOUNCE_MS = 250
ANY = "Any"
_CLAUSE = re.compile(r"\s*([A-Za-z_][\w.]*)\s*(<=|>=|!=|=|<|>)\s*(.+?)\s*")


@dataclass(frozen=True)
class Choices:
    """What the dataset, model and tag lists offer: ``(text, value)`` pairs."""

    datasets: tuple[tuple[str, int], ...]
    models: tuple[tuple[str, str], ...]
    tags: tuple[tuple[str, str], ...]


def read_choices(catalog: Catalog) -> Choices:
    """Background work: the lists' items from what the catalog holds."""
    return Choices(
        datasets=tuple((f"{Path(d.path).name} (#{d.id})", d.id) for d in catalog.list_datasets()),
        models=tuple((name, name) for name in catalog.list_models()),
        tags=tuple((tag, tag) for tag in catalog.list_tags()))


def parse_thresholds(text: str) -> dict[str, tuple[tuple[str, str, Any], ...]]:
    """``"lr < 0.01, test_accuracy >= 0.9"`` → ``RunQuery`` ``params`` and ``metrics``.

    Raises:
        CatalogError: a clause is not ``name operator value`` or names something unusable.
    """
    params, metrics = [], []
    for clause in filter(str.strip, re.split(r",|\band\b", text)):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            raise CatalogError(f"{clause.strip()!r} is not “name operator value” (lr < 0.01)")
        name, op, raw = match.groups()
        (metrics if name in METRIC_COLUMNS else params).append((name, op, _value(raw)))
    RunQuery(params=params, metrics=metrics)  # the catalog's own checks, with its messages
    return {"params": tuple(params), "metrics": tuple(metrics)}


def _value(raw: str) -> Any:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw.strip("'\"")


class CatalogFilters(QWidget):
    changed = Signal()
    choices_loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, model, notes, tags, dataset…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.thresholds = QLineEdit()
        self.thresholds.setPlaceholderText("lr < 0.01, test_accuracy >= 0.9")
        self.thresholds.setToolTip("Parameters of the run's config or its metrics ("
                                   + ", ".join(METRIC_COLUMNS) + ") compared with a value")
        self.thresholds.setClearButtonEnabled(True)
        self.status = self._combo("Status", [(s, s) for s in RUN_STATUSES])
        self.model = self._combo("Model", [])
        self.dataset = self._combo("Dataset", [])
        self.tag = self._combo("Tag", [])
        self._where: dict[str, Any] = {"params": (), "metrics": ()}
        self._applied: dict[str, Any] | None = None  # the text boxes' values last announced
        self._reads = 0
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounced)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.thresholds.textChanged.connect(lambda _text: self._debounce.start())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        layout.addWidget(self.thresholds, 2)
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
        """``RunQuery`` fields for the current choices (the last valid thresholds)."""
        text = self.search.text().strip()
        return {"text": text or None, "status": self.status.currentData(),
                "model": self.model.currentData(), "dataset_id": self.dataset.currentData(),
                "tag": self.tag.currentData(), **self._where}

    def set_choice(self, name: str, value: Any) -> None:
        """Select ``value`` in the ``name`` combo ("status", "model", "dataset", "tag")."""
        combo: QComboBox = getattr(self, name)
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    def flush(self) -> None:
        """Apply pending text now instead of after the debounce delay."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._on_debounced()

    def reload_choices(self, catalog: Catalog) -> None:
        """Refill the dataset, model and tag lists from the catalog (read in the background)."""
        self._reads += 1
        read = self._reads
        run_in_background(self, lambda: read_choices(catalog),
                          lambda choices: self._on_choices(read, choices), lambda _message: None)

    # -------------------------------------------------------------------------- handlers
    def _on_debounced(self) -> None:
        """Apply the text boxes; invalid thresholds are marked and the last valid ones kept."""
        try:
            self._where = parse_thresholds(self.thresholds.text())
        except CatalogError as error:
            self.thresholds.setStyleSheet("border: 1px solid #D55E00;")
            self.thresholds.setToolTip(str(error))
        else:
            self.thresholds.setStyleSheet("")
            self.thresholds.setToolTip("")
        values = self.values()
        if values != self._applied:
            self._applied = values
            self.changed.emit()

    def _on_choices(self, read: int, choices: Choices) -> None:
        if read != self._reads:
            return
        changed = [self._refill(self.dataset, choices.datasets),
                   self._refill(self.model, choices.models), self._refill(self.tag, choices.tags)]
        self.choices_loaded.emit()
        if any(changed):
            self.changed.emit()  # the chosen tag or dataset is gone

    def _refill(self, combo: QComboBox, items: Iterable[tuple[str, Any]]) -> bool:
        """Replace the items, keeping the current choice if it still exists (no signal);
        return whether the choice is gone."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ANY, None)
        for text, value in items:
            combo.addItem(text, value)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        return current is not None and index < 0
