"""The main window: a thin shell that composes the pages, menus and status bar.

It owns no data (the ``AppState`` does) and no long work (the ``TrainingQueue`` does); it wires
them to the pages, remembers its geometry and asks before closing during training.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

import app
from app.core.engine import Paused
from app.core.errors import ModelDeskError
from app.gui.catalog_import import ask_and_import
from app.gui.pages import PAGES
from app.gui.saved_queue import remember_queue
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.widgets.drops import local_path
from app.gui.workers import run_in_background

DEVICE_DETECT_DELAY_MS = 800


class MainWindow(QMainWindow):
    def __init__(self, state: AppState, queue: TrainingQueue | None = None) -> None:
        super().__init__()
        self.state = state
        self.queue = queue or TrainingQueue(self)
        self._closing = False
        self.setWindowTitle("ModelDesk")
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(1024, 680))
        self._build_pages()
        self._build_menus()
        self._build_status_bar()
        geometry = state.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)

    # ----------------------------------------------------------------------------- layout
    def _build_pages(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for title, page_class in PAGES:
            page = page_class(self.state, self.queue)
            self.pages[title] = page
            self.stack.addWidget(page)
            QListWidgetItem(title, self.nav)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages["Models"].train_requested.connect(lambda: self.show_page("Training"))
        self.pages["Catalog"].compare_requested.connect(self._on_compare_requested)
        self.pages["Catalog"].fine_tune_requested.connect(lambda _id: self.show_page("Models"))
        self.pages["Catalog"].settings_used.connect(lambda _id: self.show_page("Models"))
        self.pages["Catalog"].reproduce_queued.connect(lambda _id: self.show_page("Training"))
        self.pages["Models"].search_requested.connect(lambda: self.show_page("Search"))
        self.pages["Search"].open_run_requested.connect(self._on_open_run)
        self.pages["Search"].compare_requested.connect(self._on_compare_requested)
        self.pages["Models registry"].open_run_requested.connect(self._on_open_run)
        self.nav.setCurrentRow(0)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "Open dataset &folder…", self._on_open_folder, QKeySequence.Open)
        self._action(file_menu, "Open dataset &table…", self._on_open_table)
        self._action(file_menu, "Open &catalog…", self._on_open_catalog)
        self._action(file_menu, "&Import runs from catalogs…",
                     lambda: ask_and_import(self, self.state))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.Quit)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About ModelDesk", self._on_about)

    def _action(self, menu, text, slot, shortcut=None) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.device_label = QLabel("device: detecting…")
        self.catalog_label = QLabel()
        self.job_label = QLabel("idle")
        for label in (self.job_label, self.device_label, self.catalog_label):
            bar.addPermanentWidget(label)
        self._on_catalog_changed(self.state.catalog)
        self.state.catalog_changed.connect(self._on_catalog_changed)
        self.state.dataset_failed.connect(self._on_dataset_failed)
        self.queue.queue_changed.connect(self._on_queue_changed)
        self.queue.queue_changed.connect(self._on_queue_saved)
        self.queue.event.connect(self._on_queue_event)
        # Detecting the device imports torch (seconds of CPU); start it once the window is up.
        QTimer.singleShot(DEVICE_DETECT_DELAY_MS, self._on_detect_device)

    # ---------------------------------------------------------------------------- public
    def show_page(self, title: str) -> QWidget:
        titles = [t for t, _ in PAGES]
        self.nav.setCurrentRow(titles.index(title))
        return self.pages[title]

    # -------------------------------------------------------------------------- handlers
    def _on_open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open dataset folder")
        if folder:
            self._open_dataset(folder)

    def _on_open_table(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open text table", "", "Text tables (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self._open_dataset(path)

    def _open_dataset(self, path: str) -> None:
        """Open through the Data page, which shows loading, errors and table options."""
        self.show_page("Data").open_path(path)

    def _on_compare_requested(self, run_ids: list[int]) -> None:
        self.show_page("Compare").show_runs(run_ids)

    def _on_open_run(self, run_id: int) -> None:
        self.show_page("Catalog").open_run(run_id)

    def _on_open_catalog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Open or create catalog", "", "ModelDesk catalog (*.sqlite *.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if not path:
            return
        try:
            self.state.open_catalog(path)
        except ModelDeskError as error:
            QMessageBox.warning(self, "Cannot open catalog", str(error))

    def _on_about(self) -> None:
        QMessageBox.about(self, "About ModelDesk",
                          f"<b>ModelDesk {app.__version__}</b><p>Train neural networks on your "
                          "own images and texts, and keep a catalog of every run.</p>")

    def _on_catalog_changed(self, catalog) -> None:  # noqa: ANN001
        self.catalog_label.setText(f"catalog: {catalog.path}")
        self.catalog_label.setToolTip(str(catalog.path))

    def _on_dataset_failed(self, message: str) -> None:
        """The Data page shows the reason in full; make sure the person sees that page."""
        self.statusBar().showMessage("The dataset could not be opened; see the Data page.", 8000)
        self.show_page("Data")

    def _on_detect_device(self) -> None:
        run_in_background(self, _detect_device, self._on_device,
                          lambda _message: self.device_label.setText("device: unknown"),
                          heavy=True)

    def _on_device(self, label: str) -> None:
        self.device_label.setText(f"device: {label}")
        # torch is imported now: its ~200,000 module-level objects live as long as the app.
        # Frozen, Python's full collections stop scanning them (78 ms each, a visible stall).
        gc.freeze()

    def _on_queue_saved(self) -> None:
        if not self._closing:
            remember_queue(self)

    def _on_queue_event(self, event: object) -> None:
        if isinstance(event, Paused):
            self._on_queue_changed()

    def _on_queue_changed(self) -> None:
        current, pending = self.queue.labels()
        if current is None:
            self.job_label.setText("idle")
            return
        state = "paused" if self.queue.is_paused else "training"
        waiting = f" (+{len(pending)} queued)" if pending else ""
        self.job_label.setText(f"{state}: {current}{waiting}")

    # ----------------------------------------------------------------------- drag & drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if local_path(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        path = local_path(event.mimeData().urls())
        if path:
            self._open_dataset(path)
            event.acceptProposedAction()

    # ----------------------------------------------------------------------------- close
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.queue.busy or self.queue.pending:
            answer = QMessageBox.question(
                self, "Training in progress", quit_question(self.queue),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            remember_queue(self)  # before stopping: the stopped run is offered as a resume
            self._closing = True  # stopping empties the queue; what was saved stays saved
            self.queue.stop_all()
        self.state.settings.set_geometry(self.saveGeometry())
        self.state.settings.sync()
        event.accept()



def quit_question(queue: TrainingQueue) -> str:
    """Names the run training and the runs waiting, and says they are kept for next time."""
    current, pending = queue.labels()
    lines = []
    if current is not None:
        run = f" (run {queue.current_run_id})" if queue.current_run_id is not None else ""
        lines.append(f"Training: {current}{run}")
    lines += [f"Queued: {label}" for label in pending[:10]]
    if len(pending) > 10:
        lines.append(f"… and {len(pending) - 10} more queued")
    return ("\n".join(lines) + "\n\nStop and quit? The run in training keeps its last "
            "checkpoint; it and the queued runs are offered again when ModelDesk next opens.")


def _detect_device() -> str:
    """Imports torch, so it runs on the thread pool after the window is up."""
    from app.core.engine import describe_device, resolve_device

    return describe_device(resolve_device("auto"))
