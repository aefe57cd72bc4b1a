"""The Data page's header: what is open (path, kind, counts, classes, fingerprint) and the
controls to open something else or to re-read a table with other columns.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from app.core.datasets import Dataset, TableOptions

DELIMITERS = (("auto", None), ("tab", "tab"), ("comma", "comma"), ("semicolon", "semicolon"),
              ("pipe", "pipe"))
_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}
HEADER_CHOICES = (("auto", None), ("yes", True), ("no", False))


class DatasetHeader(QGroupBox):
    open_folder_requested = Signal()
    open_table_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Dataset", parent)
        self.path = _ElidedLabel(Qt.TextElideMode.ElideMiddle)
        self.kind = _value_label()
        self.samples = _value_label()
        self.classes = _ElidedLabel(Qt.TextElideMode.ElideRight)
        self.fingerprint = _value_label()
        self.fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint.setToolTip("Changes whenever a sample, label or class changes; runs "
                                    "with the same fingerprint trained on the same data")
        self.copy_button = QToolButton()
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy the fingerprint to the clipboard")
        self.copy_button.setEnabled(False)
        self.open_folder_button = QPushButton("Open folder…")
        self.open_folder_button.setToolTip("A folder with one sub-folder of images or .txt "
                                           "files per class")
        self.open_table_button = QPushButton("Open table…")
        self.open_table_button.setToolTip("A CSV/TSV file with a text column and a label column")

        grid = QGridLayout(self)
        grid.setHorizontalSpacing(8)
        grid.setColumnStretch(5, 1)
        grid.addWidget(_title("Path:"), 0, 0)
        grid.addWidget(self.path, 0, 1, 1, 5)
        for column, (title, widget) in enumerate(
                (("Kind:", self.kind), ("Samples:", self.samples), ("Classes:", self.classes))):
            grid.addWidget(_title(title), 1, 2 * column)
            grid.addWidget(widget, 1, 2 * column + 1)
        fingerprint_row = QHBoxLayout()
        fingerprint_row.addWidget(self.fingerprint)
        fingerprint_row.addWidget(self.copy_button)
        fingerprint_row.addStretch(1)
        grid.addWidget(_title("Fingerprint:"), 2, 0)
        grid.addLayout(fingerprint_row, 2, 1, 1, 5)
        self.table_options = TableOptionsBar()
        grid.addWidget(self.table_options, 3, 0, 1, 7)
        self.table_options.hide()
        grid.addWidget(self.open_folder_button, 0, 6)
        grid.addWidget(self.open_table_button, 1, 6)
        self.open_folder_button.clicked.connect(self.open_folder_requested)
        self.open_table_button.clicked.connect(self.open_table_requested)
        self.copy_button.clicked.connect(self._on_copy)
        self.show_nothing()

    def show_nothing(self) -> None:
        self.path.set_full_text("No dataset open: use Open folder… or Open table…, or drop "
                                "a folder or file on this page.")
        for label in (self.kind, self.samples, self.fingerprint):
            label.setText("–")
        self.classes.set_full_text("–")

    def set_dataset(self, dataset: Dataset) -> None:
        report = dataset.report
        self.path.set_full_text(str(dataset.path))
        kind = {"image": "images (folder of class folders)",
                "text": "texts (table)" if dataset.path.is_file() else "texts (folder)"}
        self.kind.setText(kind.get(dataset.kind, dataset.kind))
        skipped = f", {len(report.skipped):,} skipped" if report.skipped else ""
        self.samples.setText(f"{report.kept:,} kept of {report.found:,} found{skipped}")
        self.classes.set_full_text(f"{len(dataset.class_names)}: "
                                   + ", ".join(dataset.class_names))
        self.fingerprint.setText(dataset.fingerprint)
        self.copy_button.setEnabled(True)

    def _on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.fingerprint.text())


class TableOptionsBar(QWidget):
    """How to read the open table; Apply asks the page to re-open it with these options."""

    apply_requested = Signal(object)  # TableOptions

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text_column = _column_edit("text")
        self.label_column = _column_edit("label")
        self.delimiter = QComboBox()
        for title, value in DELIMITERS:
            self.delimiter.addItem(title, value)
        self.has_header = QComboBox()
        for title, value in HEADER_CHOICES:
            self.has_header.addItem(title, value)
        self.apply_button = QPushButton("Re-read table")
        self.apply_button.setToolTip("Open the table again with these columns and delimiter")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for title, widget in (("Text column:", self.text_column),
                              ("Label column:", self.label_column),
                              ("Delimiter:", self.delimiter), ("Header row:", self.has_header)):
            layout.addWidget(QLabel(title))
            layout.addWidget(widget)
        layout.addWidget(self.apply_button)
        layout.addStretch(1)
        self.apply_button.clicked.connect(self._on_apply)
        for edit in (self.text_column, self.label_column):
            edit.returnPressed.connect(self._on_apply)

    def show_options(self, options: TableOptions) -> None:
        """Show what the loader resolved, so the user edits from the real layout."""
        self.text_column.setText(_column_text(options.text_column))
        self.label_column.setText(_column_text(options.label_column))
        name = _DELIMITER_NAMES.get(options.delimiter or "", options.delimiter)
        index = self.delimiter.findData(name)
        if index < 0 and name:
            self.delimiter.addItem(repr(name), name)
            index = self.delimiter.count() - 1
        self.delimiter.setCurrentIndex(max(index, 0))
        self.has_header.setCurrentIndex(max(self.has_header.findData(options.has_header), 0))

    def options(self) -> TableOptions:
        return TableOptions(
            text_column=_parse_column(self.text_column.text()),
            label_column=_parse_column(self.label_column.text()),
            delimiter=self.delimiter.currentData(),
            has_header=self.has_header.currentData(),
        )

    def _on_apply(self) -> None:
        self.apply_requested.emit(self.options())


class _ElidedLabel(QLabel):
    """Shows as much of a long text as fits, elided; the tooltip has it all."""

    def __init__(self, mode: Qt.TextElideMode) -> None:
        super().__init__()
        self.full_text, self._mode = "", mode
        self.setMinimumWidth(10)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(
            self.full_text, self._mode, max(self.width(), 10)))


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("color: #555;")
    return label


def _value_label() -> QLabel:
    label = QLabel()
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(10)
    return label


def _column_edit(role: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText("auto")
    edit.setToolTip(f"The {role} column: a header name, or a 0-based index; empty to detect it")
    edit.setMaximumWidth(140)
    return edit


def _column_text(column: str | int | None) -> str:
    return "" if column is None else str(column)


def _parse_column(text: str) -> str | int | None:
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text

