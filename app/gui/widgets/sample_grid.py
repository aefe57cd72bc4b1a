"""A grid of samples (image thumbnails or text snippets) that stays smooth with thousands.

Only the thumbnails the view asks for are decoded, on the thread pool, as ``QImage`` (safe off
the GUI thread); the model turns them into pixmaps on the GUI thread and caches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QListView, QWidget

from app.gui.workers import run_in_background

THUMB = 72
CELL = QSize(THUMB + 64, THUMB + 44)  # room for a two-line caption under each thumbnail
TEXT_LIMIT = 160  # characters of a text sample shown in a cell (the tooltip has it all)


@dataclass(frozen=True)
class SampleItem:
    """One cell: an image file or a text, a short caption, a longer tooltip."""

    caption: str
    image_path: Path | None = None
    text: str | None = None
    tooltip: str = ""
    highlight: str | None = None  # a colour name for the caption, e.g. "#D55E00" for errors


def read_thumbnail(path: Path) -> QImage:
    """The image at ``path`` scaled to fit ``THUMB`` (a null image when unreadable)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


class LazyThumbnails:
    """Thumbnails by row for a Qt model: decoded on the pool, a blank of the same size
    meanwhile (so views lay cells out at their final size from the start), a grey one for an
    unreadable file. The model calls ``reset_thumbnails`` when its rows change and implements
    ``thumbnail_ready(row)`` (emit ``dataChanged``)."""

    thumbnails_loaded = 0
    _generation = 0
    _placeholder: QPixmap | None = None

    def reset_thumbnails(self) -> None:
        self._pixmaps: dict[int, QPixmap] = {}
        self._requested: set[int] = set()
        self._generation += 1

    def thumbnail(self, row: int, path: Path) -> QPixmap:
        pixmap = self._pixmaps.get(row)
        if pixmap is not None:
            return pixmap
        if row not in self._requested:
            self._requested.add(row)
            # through run_in_background: its relay belongs to this model, so a page closed
            # while thumbnails decode drops their results instead of delivering into a
            # deleted object (a signals object per job once crashed the window that way)
            generation = self._generation
            run_in_background(self, lambda: read_thumbnail(path),
                              lambda image: self._on_loaded(generation, row, image),
                              lambda _message: self._on_loaded(generation, row, QImage()))
        if self._placeholder is None:
            self._placeholder = _filled("#eef1f4")
        return self._placeholder

    def thumbnail_ready(self, row: int) -> None:
        raise NotImplementedError

    def _on_loaded(self, generation: int, row: int, image: QImage) -> None:
        if generation != self._generation or row >= self.rowCount():
            return
        self._pixmaps[row] = _filled("#ddd") if image.isNull() else QPixmap.fromImage(image)
        self.thumbnails_loaded += 1
        self.thumbnail_ready(row)


def _filled(color: str) -> QPixmap:
    pixmap = QPixmap(THUMB, THUMB)
    pixmap.fill(QColor(color))
    return pixmap


class SampleModel(LazyThumbnails, QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[SampleItem] = []
        self.reset_thumbnails()

    def set_items(self, items: Sequence[SampleItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.reset_thumbnails()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if item.text is not None and item.image_path is None:
                snippet = item.text if len(item.text) <= TEXT_LIMIT else \
                    item.text[:TEXT_LIMIT - 1] + "…"
                return f"{snippet}\n{item.caption}"
            return item.caption
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.tooltip or item.text or item.caption
        if role == Qt.ItemDataRole.ForegroundRole and item.highlight:
            return QColor(item.highlight)
        if role == Qt.ItemDataRole.DecorationRole and item.image_path is not None:
            return self.thumbnail(index.row(), item.image_path)
        return None

    def thumbnail_ready(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class SampleGrid(QListView):
    """Icon grid for images, wrapped list for texts; ``sample_activated`` gives the row,
    ``sample_selected`` the current row (-1 for none)."""

    sample_activated = Signal(int)
    sample_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sample_model = SampleModel(self)
        self.setModel(self.sample_model)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setWordWrap(True)
        self.activated.connect(lambda index: self.sample_activated.emit(index.row()))
        self.selectionModel().currentChanged.connect(
            lambda current, _previous: self.sample_selected.emit(current.row()))
        self._use_icons(True)

    def set_samples(self, items: Sequence[SampleItem]) -> None:
        self._use_icons(any(item.image_path is not None for item in items) or not items)
        self.sample_model.set_items(items)

    def _use_icons(self, icons: bool) -> None:
        # Uniform sizes keep thousands of thumbnails fast; wrapped texts need their own heights.
        self.setUniformItemSizes(icons)
        if icons:
            self.setViewMode(QListView.ViewMode.IconMode)
            self.setResizeMode(QListView.ResizeMode.Adjust)
            self.setIconSize(QSize(THUMB, THUMB))
            self.setGridSize(CELL)
            self.setSpacing(4)
        else:
            self.setViewMode(QListView.ViewMode.ListMode)
            self.setGridSize(QSize())
            self.setSpacing(2)
            self.setAlternatingRowColors(True)
