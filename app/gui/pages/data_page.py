"""The Data page: open a dataset and see what ModelDesk made of it.

Header (what is open, open buttons, table options), a loading/error strip, and a splitter with
the sample preview (thumbnail grid or text table) on the left and the class distribution,
validation report and split settings on the right. The page owns no data: it asks the
``AppState`` to load and redraws from ``dataset_changed``; a failed load leaves the previous
dataset on screen and explains why in the strip.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.datasets import Dataset, TableOptions
from app.gui.pages._data_chart import ClassChart
from app.gui.pages._data_header import DatasetHeader
from app.gui.pages._data_images import ImagePreview
from app.gui.pages._data_labels import LabelCheckBar
from app.gui.pages._data_report import ReportView
from app.gui.pages._data_split import SplitPanel
from app.gui.pages._data_status import StatusStrip
from app.gui.pages._data_text_table import TextPreview
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.widgets.drops import local_path

TABLE_FILTER = "Text tables (*.csv *.tsv *.txt *.tab);;All files (*)"
EMPTY_HINT = ("Drop a folder here (one sub-folder of images or .txt files per class)\n"
              "or a CSV/TSV table with a text column and a label column,\n"
              "or use Open folder… / Open table… above.")


class DataPage(QWidget):
    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.dataset: Dataset | None = None
        self._pending: str | None = None  # the path being loaded
        self._table_path: str | None = None  # the table the options bar re-reads
        self.setAcceptDrops(True)
        self._build()
        state.dataset_loading.connect(self._on_dataset_loading)
        state.dataset_changed.connect(self._on_dataset_changed)
        state.dataset_failed.connect(self._on_dataset_failed)
        if state.dataset is not None:
            self._on_dataset_changed(state.dataset)

    # ----------------------------------------------------------------------------- layout
    def _build(self) -> None:
        self.header = DatasetHeader()
        self.table_options = self.header.table_options
        self.status = StatusStrip()
        self.empty = QLabel(EMPTY_HINT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #666;")
        self.images = ImagePreview()
        self.texts = TextPreview()
        self.preview = QStackedWidget()
        for widget in (self.empty, self.images, self.texts):
            self.preview.addWidget(widget)
        self.chart = ClassChart()
        self.report = ReportView()
        self.split = SplitPanel(self.state)
        self.split.split_changed.connect(self.report.show_split)

        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(_group("Class distribution", self.chart))
        side.addWidget(_group("Validation report", self.report))
        side.addWidget(_group("Split", self.split))
        side.setSizes([200, 290, 250])
        side.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(_group("Samples", self.preview))
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([620, 420])
        self.splitter.setChildrenCollapsible(False)

        self.labels = LabelCheckBar(self.state)  # Check labels… (_data_labels.py)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.labels)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)
        self.header.open_folder_requested.connect(self._on_open_folder)
        self.header.open_table_requested.connect(self._on_open_table)
        self.table_options.apply_requested.connect(self._on_table_options)

    # ----------------------------------------------------------------------------- public
    def open_path(self, path: str | Path, options: TableOptions | None = None) -> None:
        """Ask the state to load ``path``; the page follows its signals."""
        self.state.open_dataset(path, options)

    # -------------------------------------------------------------------------- handlers
    def _on_open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open dataset folder", self._start_dir())
        if folder:
            self.open_path(folder)

    def _on_open_table(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open text table", self._start_dir(),
                                              TABLE_FILTER)
        if path:
            self.open_path(path)

    def _on_table_options(self, options: TableOptions) -> None:
        if self._table_path:
            self.open_path(self._table_path, options)

    def _on_dataset_loading(self, path: str) -> None:
        self._pending = path
        self.status.show_loading(path)

    def _on_dataset_changed(self, dataset: Dataset) -> None:
        self.dataset, self._pending = dataset, None
        self.status.clear()
        self.header.set_dataset(dataset)
        is_table = dataset.kind == "text" and dataset.path.is_file()
        self._table_path = str(dataset.path) if is_table else None
        if is_table:
            self.table_options.show_options(dataset.options)
        self.table_options.setVisible(is_table)
        if dataset.kind == "image":
            self.images.set_dataset(dataset)
            self.preview.setCurrentWidget(self.images)
        else:
            self.texts.set_dataset(dataset)
            self.preview.setCurrentWidget(self.texts)
        self.chart.set_dataset(dataset)
        self.report.set_dataset(dataset)  # before the split, whose parts it then shows
        self.split.set_dataset(dataset)

    def _on_dataset_failed(self, message: str) -> None:
        failed, self._pending = self._pending, None
        if failed and Path(failed).is_file():  # let the user fix how the table is read
            self._table_path = failed
            self.table_options.show()
        self.status.show_error(message, previous_shown=self.dataset is not None)

    def _start_dir(self) -> str:
        return str(self.dataset.path.parent) if self.dataset is not None else ""

    # ----------------------------------------------------------------------- drag & drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if local_path(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        path = local_path(event.mimeData().urls())
        if path:
            self.open_path(path)
            event.acceptProposedAction()


def _group(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return box
