"""The desktop window (Qt only). ``run()`` opens it; the core does all the work."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def create_application() -> object:
    """The ``QApplication`` with the app's name, icon and style sheet (created once)."""
    from PySide6.QtWidgets import QApplication

    from app.paths import resources_dir

    application = QApplication.instance() or QApplication(sys.argv[:1])
    application.setApplicationName("ModelDesk")
    application.setOrganizationName("ModelDesk")
    application.setDesktopFileName("modeldesk")  # Wayland/X11 match the window to the menu entry
    application.setWindowIcon(_app_icon(resources_dir() / "icons"))
    style = resources_dir() / "style.qss"
    if style.exists():
        application.setStyleSheet(style.read_text(encoding="utf-8"))
    from app.gui.gc_on_gui_thread import collect_on_gui_thread

    collect_on_gui_thread(application)  # never a widget destroyed by a pool thread's GC
    return application


def _app_icon(folder: Path) -> object:
    """The SVG plus the rendered PNG sizes, so the icon shows even without Qt's SVG plugin."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for png in sorted(folder.glob("modeldesk-*.png")):
        icon.addFile(str(png))
    svg = folder / "modeldesk.svg"
    if svg.exists():
        icon.addFile(str(svg))
    return icon


def open_window(dataset: str | Path | None = None, catalog: str | Path | None = None,
                settings: object | None = None):  # noqa: ANN201
    """Build the main window on its state; opens ``dataset`` (or the last one, or the sample).

    ``settings`` (an ``app.gui.settings.Settings``) defaults to the user's own; the self-test
    passes a throw-away one so it changes nothing the person will see next time.
    """
    from app.gui.main_window import MainWindow
    from app.gui.settings import Settings
    from app.gui.state import AppState
    from app.paths import sample_dataset

    settings = settings or Settings()
    state = AppState(settings, catalog_path=catalog)
    window = MainWindow(state)
    last = settings.last_dataset()
    start = dataset or (last if last and Path(last).exists() else sample_dataset("image"))
    state.open_dataset(start)
    return window


def run(dataset: str | Path | None = None, catalog: str | Path | None = None,
        experiments: str | Path | None = None) -> int:
    """Open the window and run the event loop; returns the exit code.

    ``experiments`` is an experiment file (double-clicked in a file manager): once the window
    is up, its runs are listed for the person to queue (``app.gui.experiment_import``).
    """
    application = create_application()
    window = open_window(dataset, catalog)
    window.show()
    from app.gui.experiment_import import FileOpenHandler, offer_experiments
    from app.gui.startup import after_launch

    application.installEventFilter(FileOpenHandler(window))
    after_launch(window)
    if experiments:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: offer_experiments(window, Path(experiments)))
    if os.environ.get("MODELDESK_EXIT_WHEN_SHOWN"):  # start-up time probe (benchmarks)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: (print("window shown", flush=True), application.quit()))
    code = application.exec()
    from app.gui.workers import wait_for_background

    wait_for_background(30_000)  # let background loads report first
    return code
