"""What the Try it page predicts on: a dropped or opened image, or text typed in a box.

Both inputs only report (``image_chosen(path)``, ``text_settled(text)``); the page predicts.
Typing is debounced so a prediction runs once the user pauses, not once per key.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

DEBOUNCE_MS = 300
PREVIEW_SIDE = 360
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;All files (*)"
DROP_HINT = "Drop an image here\nor click “Open image…”"


class DropArea(QLabel):
    """A framed area that shows the chosen image and accepts a dropped local file."""

    file_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(DROP_HINT, parent)
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumSize(QSize(240, 240))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._set_idle_style()

    def show_image(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        side = min(PREVIEW_SIDE, max(self.width(), self.height()) - 16)
        if pixmap.width() < side and pixmap.height() < side:
            # tiny training-size images: enlarge without smoothing so pixels stay visible
            pixmap = pixmap.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.FastTransformation)
        self.setPixmap(pixmap)

    def show_text(self, text: str) -> None:
        self.setPixmap(QPixmap())
        self.setText(text)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if _local_file(event.mimeData().urls()):
            self.setStyleSheet("QLabel { border: 2px dashed #0072B2; background: #EAF3FA; }")
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        self._set_idle_style()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self._set_idle_style()
        path = _local_file(event.mimeData().urls())
        if path:
            event.acceptProposedAction()
            self.file_dropped.emit(path)

    def _set_idle_style(self) -> None:
        self.setStyleSheet("QLabel { border: 2px dashed #aaa; background: #fafafa; "
                           "color: #555; }")


class ImageInput(QWidget):
    """Drop area + "Open image…"; ``image_chosen`` gives the file's path."""

    image_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drop_area = DropArea()
        self.drop_area.file_dropped.connect(self.image_chosen)
        self.open_button = QPushButton("Open image…")
        self.open_button.clicked.connect(self._on_open)
        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.file_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.drop_area, 1)
        layout.addLayout(row)
        self._folder = ""

    def _on_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open image", self._folder, IMAGE_FILTER)
        if path:
            self._folder = str(Path(path).parent)
            self.image_chosen.emit(path)


class TextInput(QWidget):
    """A text box; ``text_settled`` fires ``DEBOUNCE_MS`` after the last keystroke."""

    text_settled = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText("Type or paste a text; the prediction updates as you type.")
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(lambda: self.text_settled.emit(self.edit.toPlainText()))
        self.edit.textChanged.connect(self.timer.start)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)

    def text(self) -> str:
        return self.edit.toPlainText()


def _local_file(urls) -> str | None:  # noqa: ANN001
    for url in urls:
        if url.isLocalFile() and Path(url.toLocalFile()).is_file():
            return url.toLocalFile()
    return None
