"""The image preview: a lazily loaded thumbnail grid with a class filter.

``SampleGrid`` decodes only the thumbnails the view paints, on the thread pool, so a folder of
thousands of images opens at once; filtering just hands the grid a shorter list of items.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.core.datasets import Dataset
from app.gui.pages._data_filters import fill_class_combo
from app.gui.widgets.sample_grid import SampleGrid, SampleItem


class ImagePreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self.class_filter = QComboBox()
        self.class_filter.setMinimumContentsLength(16)
        self.shown = QLabel()
        self.grid = SampleGrid()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Class:"))
        bar.addWidget(self.class_filter)
        bar.addStretch(1)
        bar.addWidget(self.shown)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.grid, 1)
        self.class_filter.currentIndexChanged.connect(self._on_filter_changed)

    def set_dataset(self, dataset: Dataset) -> None:
        self.dataset = dataset
        fill_class_combo(self.class_filter, dataset)
        self._on_filter_changed()

    def _on_filter_changed(self) -> None:
        dataset = self.dataset
        if dataset is None or dataset.files is None:
            return
        wanted = self.class_filter.currentData()
        names = dataset.class_names
        items = [
            SampleItem(caption=names[label], image_path=file, tooltip=sample_id)
            for label, file, sample_id in zip(
                dataset.labels, dataset.files, dataset.sample_ids, strict=True)
            if wanted is None or label == wanted
        ]
        self.grid.set_samples(items)
        self.grid.scrollToTop()
        self.shown.setText(f"{len(items):,} of {len(dataset):,} images")
