"""What the window does once it is up: recover runs a killed process left, then offer the
queue the last session did not finish.

Both read the catalog, so both run on the thread pool after the first paint; recovery comes
first so a run the last session was training is interrupted (resumable) when it is offered.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.core.runs import recover_interrupted
from app.gui.saved_queue import offer_saved_queue
from app.gui.workers import run_in_background


def after_launch(window: QWidget) -> None:
    catalog = window.state.catalog

    def recovered(runs: list) -> None:
        if runs:
            names = ", ".join(f"{run.id} ({run.name})" for run in runs[:5])
            more = f" and {len(runs) - 5} more" if len(runs) > 5 else ""
            window.statusBar().showMessage(
                f"Interrupted when ModelDesk or its process ended: run {names}{more}; resume "
                "them from the Catalog page", 15000)
            window.state.runs_changed.emit()
        offer_saved_queue(window)

    def failed(message: str) -> None:
        window.statusBar().showMessage(f"Could not check for interrupted runs: {message}", 15000)
        offer_saved_queue(window)

    run_in_background(window, lambda: recover_interrupted(catalog), recovered, failed)
