"""The class filter combo shared by the image and text previews."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from app.core.datasets import Dataset

_NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # the plain class name, to keep the choice


def fill_class_combo(combo: QComboBox, dataset: Dataset) -> None:
    """"All classes" then each class with its count; item data is the class index (or None).

    Keeps the previous choice when the new dataset has a class of the same name, so
    re-opening a table with other options does not lose the filter. Emits no signals.
    """
    previous = combo.currentData(_NAME_ROLE)
    counts = dataset.class_counts()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(f"All classes ({len(dataset):,})", None)
    for index, name in enumerate(dataset.class_names):
        combo.addItem(f"{name} ({counts[name]:,})", index)
        combo.setItemData(index + 1, name, _NAME_ROLE)
    chosen = combo.findData(previous, _NAME_ROLE) if previous else -1
    combo.setCurrentIndex(max(chosen, 0))
    combo.blockSignals(False)
