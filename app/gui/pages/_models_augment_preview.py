"""The Models page's augmentation preview: a grid of training images as the current
settings would augment them, redrawn when an augmentation value changes.

The images and the augmentation come from the core (``app.core.augment.preview_images``),
which imports torch, so each redraw runs on the heavy pool; edits are debounced and a result
that an edit or a new draw has overtaken is dropped. "New draw" keeps the images and rolls
new random parameters. Shown for image datasets only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.core.augment import (
    AUGMENT_KEYS,
    PREVIEW_COUNT,
    Preview,
    preview_images,
    preview_indices,
    settings_from_values,
)
from app.core.datasets import Dataset, split_dataset
from app.core.errors import ModelDeskError
from app.gui.state import AppState
from app.gui.workers import run_in_background

REDRAW_DELAY_MS = 200  # redraw once typing pauses
COLUMNS = 6
TILE_PX = 84


def _compute(dataset: Dataset, values: dict[str, Any], draw: int) -> Preview:
    """Runs on the pool: the training split as the run would make it, then the preview."""
    settings = settings_from_values(values)
    try:
        split = split_dataset(dataset, values["val_fraction"], values["test_fraction"],
                              values["seed"])
    except (ModelDeskError, KeyError, TypeError):  # the form shows that problem itself
        split = None
    return preview_images(dataset, settings, draw=draw,
                          indices=preview_indices(dataset, PREVIEW_COUNT, split))


def to_pixmap(image: np.ndarray) -> QPixmap:
    """uint8 ``C×H×W`` (1 or 3 channels) → a pixmap (GUI thread only)."""
    channels, height, width = image.shape
    pixels = np.ascontiguousarray(image.transpose(1, 2, 0))
    form = QImage.Format.Format_Grayscale8 if channels == 1 else QImage.Format.Format_RGB888
    qimage = QImage(pixels.data, width, height, width * channels, form)
    return QPixmap.fromImage(qimage.copy())  # copy: the array's memory goes away


class AugmentPreview(QGroupBox):
    """``drawn(preview)`` fires after the grid shows a new ``Preview``."""

    drawn = Signal(object)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__("Augmentation preview", parent)
        self.state = state
        self.draw = 0
        self.preview: Preview | None = None
        self._shown_key: tuple | None = None  # what the grid shows (or is computing)
        self._request = 0
        self.tiles = [QLabel() for _ in range(PREVIEW_COUNT)]
        grid = QGridLayout()
        for number, tile in enumerate(self.tiles):
            tile.setFixedSize(TILE_PX, TILE_PX)
            tile.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(tile, number // COLUMNS, number % COLUMNS)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #666;")
        self.new_draw = QPushButton("New random draw")
        self.new_draw.setToolTip("The same images with new random flips, angles, crops and "
                                 "colours")
        self.new_draw.clicked.connect(self._on_new_draw)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.new_draw)
        layout = QGridLayout(self)
        layout.addLayout(grid, 0, 0)
        layout.addLayout(bottom, 1, 0)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_DELAY_MS)
        self._timer.timeout.connect(self._on_redraw_due)
        state.dataset_changed.connect(lambda _dataset: self._schedule())
        state.values_changed.connect(self._schedule)
        self.setVisible(False)
        self._schedule()

    def _key(self) -> tuple | None:
        dataset = self.state.dataset
        if dataset is None or dataset.kind != "image":
            return None
        values = self.state.values
        relevant = (*AUGMENT_KEYS, "val_fraction", "test_fraction", "seed")
        return (dataset.fingerprint, dataset.path, self.draw,
                tuple(repr(values.get(k)) for k in relevant))

    def _schedule(self) -> None:
        key = self._key()
        self.setVisible(key is not None)
        if key is not None and key != self._shown_key:
            self._timer.start()

    def _on_new_draw(self) -> None:
        self.draw += 1
        self._timer.start(0)

    def _on_redraw_due(self) -> None:
        key = self._key()
        if key is None or key == self._shown_key:
            return
        self._shown_key = key
        self._request += 1
        request, dataset = self._request, self.state.dataset
        values, draw = dict(self.state.values), self.draw
        self.status.setText("Drawing…")
        run_in_background(self, lambda: _compute(dataset, values, draw),
                          lambda preview: self._on_done(request, preview),
                          lambda message: self._on_failed(request, message), heavy=True)

    def _on_done(self, request: int, preview: Preview) -> None:
        if request != self._request:
            return
        self.preview = preview
        for number, tile in enumerate(self.tiles):
            if number < len(preview.indices):
                tile.setPixmap(to_pixmap(preview.images[number]).scaled(
                    TILE_PX, TILE_PX, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))
                tile.setToolTip(preview.labels[number])
            else:
                tile.clear()
        self.status.setText(f"Training images as augmentation changes them (draw "
                            f"{self.draw + 1})" if preview.augmented else
                            "Augmentation is off: the training images as they are")
        self.new_draw.setEnabled(preview.augmented)
        self.drawn.emit(preview)

    def _on_failed(self, request: int, message: str) -> None:
        if request == self._request:
            self._shown_key = None  # try again on the next change
            self.status.setText(f"No preview: {message}")
