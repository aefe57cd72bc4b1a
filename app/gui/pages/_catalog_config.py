"""The run detail's Config tab: every setting, with the ones the user changed highlighted.

"Default" means what a new run of the same model would get (the core's ``default_values``);
stored configs of any version are read through the config upgrade chain.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import thaw
from app.core.config import upgrade_config
from app.core.errors import ModelDeskError
from app.core.runs import default_values

CHANGED_BACKGROUND = "#FFF4D6"
IDENTITY = frozenset({"name", "dataset", "model"})  # always set; never "changed"


def config_defaults(model: str) -> dict[str, Any]:
    """The values a fresh run of ``model`` starts from (flattened ``model_options.*`` keys)."""
    defaults = default_values(model)
    options = defaults.pop("model_options", None) or {}
    defaults.update({f"model_options.{name}": value for name, value in options.items()})
    return defaults


def flatten_config(config: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    try:
        stored = upgrade_config(thaw(config))
    except ModelDeskError:  # written by a newer ModelDesk: show it as it is
        stored = thaw(config)
    for key, value in stored.items():
        if key == "model_options" and isinstance(value, dict):
            flat.update({f"model_options.{name}": option for name, option in value.items()})
        else:
            flat[key] = value
    return flat


def _show(value: Any) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value)


class ConfigTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changed_only = QCheckBox("Show only values changed from the defaults")
        self.changed_only.toggled.connect(self._on_changed_only)
        self.summary = QLabel()
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Setting", "Value", "Default"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.changed_only)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.changed: list[str] = []

    def show_config(self, config: Mapping[str, Any], model: str) -> None:
        values = flatten_config(config)
        defaults = config_defaults(model)
        self.changed = [key for key, value in values.items()
                        if key in defaults and key not in IDENTITY and value != defaults[key]]
        self.table.setRowCount(len(values))
        bold = QFont()
        bold.setBold(True)
        for row, (key, value) in enumerate(values.items()):
            items = [QTableWidgetItem(key), QTableWidgetItem(_show(value)),
                     QTableWidgetItem(_show(defaults[key]) if key in defaults else "")]
            for column, item in enumerate(items):
                if key in self.changed:
                    item.setBackground(QBrush(QColor(CHANGED_BACKGROUND)))
                    item.setFont(bold)
                item.setToolTip(item.text())
                self.table.setItem(row, column, item)
            self.table.item(row, 0).setData(Qt.ItemDataRole.UserRole, key)
        self.summary.setText(f"{len(self.changed)} of {len(values)} settings differ from the "
                             f"defaults for {model} (highlighted).")
        self._on_changed_only(self.changed_only.isChecked())

    def _on_changed_only(self, only: bool) -> None:
        for row in range(self.table.rowCount()):
            key = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
            self.table.setRowHidden(row, only and key not in self.changed)
