"""The desktop window (Qt only). ``run()`` opens it; the core does all the work."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def create_application() -> object:
    """The ``QApplication`` with the app's name, icon and style sheet (created once)."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app.paths import resources_dir

    application = QApplication.instance() or QApplication(sys.argv[:1])
    application.setApplicationName("ModelDesk")
    application.setOrganizationName("ModelDesk")
    icon = resources_dir() / "icons" / "modeldesk.svg"
    if icon.exists():
        application.setWindowIcon(QIcon(str(icon)))
    style = resources_dir() / "style.qss"
    if style.exists():
        application.setStyleSheet(style.read_text(encoding="utf-8"))
    return application


def open_window(dataset: str | Path | None = None, catalog: str | Path | None = None):  # noqa: ANN201
    """Build the main window on its state; opens ``dataset`` (or the last one, or the sample)."""
    from app.gui.main_window import MainWindow
    from app.gui.settings import Settings
    from app.gui.state import AppState
    from app.paths import sample_dataset

    settings = Settings()
    state = AppState(settings, catalog_path=catalog)
    window = MainWindow(state)
    last = settings.last_dataset()
    start = dataset or (last if last and Path(last).exists() else sample_dataset("image"))
    state.open_dataset(start)
    return window


def run(dataset: str | Path | None = None, catalog: str | Path | None = None) -> int:
    application = create_application()
    window = open_window(dataset, catalog)
    window.show()
    if os.environ.get("MODELDESK_EXIT_WHEN_SHOWN"):  # start-up time probe (benchmarks)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: (print("window shown", flush=True), application.quit()))
    code = application.exec()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)  # let background loads report first
    return code
