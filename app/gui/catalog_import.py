"""File → Import runs: other catalogs' runs (a search worker's, a colleague's) into this one.

The import reads the sources read-only and copies files, which can take a while for big
checkpoints, so it runs on the pool; the person gets one box saying what arrived, what was
already here, what is still training there and any file that could not be taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.core.catalog import ImportReport
from app.core.errors import ModelDeskError
from app.gui.state import AppState
from app.gui.workers import run_in_background


def ask_and_import(window: QWidget, state: AppState) -> None:
    """Let the person pick catalog files, then import them (see :func:`import_in_background`)."""
    paths, _ = QFileDialog.getOpenFileNames(
        window, "Import runs from catalogs", "",
        "ModelDesk catalog (*.sqlite *.db);;All files (*)")
    if paths:
        import_in_background(window, state, [Path(p) for p in paths])


def import_in_background(window: QWidget, state: AppState,
                         sources: Sequence[Path]) -> None:
    """Import ``sources`` into the open catalog off the GUI thread; report in a box."""
    catalog = state.catalog

    def work() -> tuple[list[ImportReport], list[str]]:
        reports, errors = [], []
        for source in sources:
            try:
                reports.append(catalog.import_runs(source))
            except ModelDeskError as error:
                errors.append(str(error))
        return reports, errors

    def done(result: tuple[list[ImportReport], list[str]]) -> None:
        reports, errors = result
        if any(report.imported for report in reports):
            state.runs_changed.emit()
        _show(window, reports, errors)

    def failed(message: str) -> None:
        _show(window, [], [message])

    run_in_background(window, work, done, failed)


def _show(window: QWidget, reports: list[ImportReport], errors: list[str]) -> QMessageBox:
    lines = [report.summary() + "." for report in reports] + [f"Not imported: {e}" for e in errors]
    problems = [problem for report in reports for problem in report.problems]
    icon = QMessageBox.Icon.Warning if errors else QMessageBox.Icon.Information
    box = QMessageBox(icon, "Import runs", "\n\n".join(lines), QMessageBox.StandardButton.Ok,
                      window)
    box.setObjectName("importRunsReport")
    if problems:
        box.setDetailedText("\n".join(problems))
    box.open()
    return box
