"""Opening an experiment file in the window (a double-click in the file manager).

The file is read with the same reader as batch mode, so the window accepts exactly what
``--batch`` accepts. The person sees the runs it describes and chooses "Queue all"; nothing
trains without that confirmation. An invalid file shows the reader's message (file, experiment,
key or line) and queues nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import ModelDeskError
from app.core.experiments import Experiment, read_experiments

MAX_LISTED = 20  # longer grids are summarised so the box stays on screen


def offer_experiments(window: QWidget, path: Path) -> QMessageBox:
    """Show (non-blocking, window-modal) the confirmation or the error; return the box.

    On "Queue all" every run is enqueued into ``window.queue`` with the window's catalog and
    the Training page is shown. Tests press the box's buttons themselves.
    """
    try:
        experiments = read_experiments(Path(path))
    except ModelDeskError as error:
        return _show(QMessageBox(QMessageBox.Icon.Warning, "Cannot open experiment file",
                                 str(error), QMessageBox.StandardButton.Ok, window))
    searches = [e for e in experiments if e.search is not None]
    if searches:  # the queue shows one run per job; a search is many
        names = ", ".join(repr(e.search.name) for e in searches)
        return _show(QMessageBox(
            QMessageBox.Icon.Information, "Searches run in batch mode",
            f"{Path(path).name} holds the search(es) {names}. Run it with main.py --batch "
            f"{Path(path).name}; every trial appears in the Catalog page as it finishes.",
            QMessageBox.StandardButton.Ok, window))
    box = QMessageBox(QMessageBox.Icon.Question, "Queue experiments",
                      _summary(Path(path), experiments), QMessageBox.StandardButton.Cancel,
                      window)
    box.setObjectName("experimentImport")
    queue_all = box.addButton("Queue all", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(queue_all)
    box.setDetailedText("\n".join(f"{e.where}: {_label(e)}" for e in experiments))

    def on_clicked(button: object) -> None:
        if button is queue_all:
            queue_experiments(window, experiments)

    box.buttonClicked.connect(on_clicked)
    return _show(box)


def queue_experiments(window: QWidget, experiments: list[Experiment]) -> None:
    """Enqueue each run into the window's training queue, in file order."""
    catalog_path = window.state.catalog.path
    for experiment in experiments:
        window.queue.enqueue(experiment.job, catalog_path)
    window.show_page("Training")
    window.statusBar().showMessage(f"{len(experiments)} run(s) queued from the experiment file",
                                   8000)


def _summary(path: Path, experiments: list[Experiment]) -> str:
    lines = [f"{path.name} describes {len(experiments)} run(s):", ""]
    lines += [f"• {_label(e)}" for e in experiments[:MAX_LISTED]]
    if len(experiments) > MAX_LISTED:
        lines.append(f"… and {len(experiments) - MAX_LISTED} more (see Show Details)")
    lines += ["", "Queue them all for training in this window?"]
    return "\n".join(lines)


def _label(experiment: Experiment) -> str:
    config, job = experiment.config, experiment.job
    dataset = Path(config.data.dataset).name
    return (f"{job.label} — {config.model.architecture}, {config.training.epochs} epoch(s), "
            f"{dataset}")


def _show(box: QMessageBox) -> QMessageBox:
    box.open()
    return box


class FileOpenHandler(QObject):
    """macOS hands a double-clicked document to the running app as a ``FileOpen`` event, not
    as a command-line argument; install this on the application to offer its runs."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FileOpen and event.file().lower().endswith(".toml"):
            offer_experiments(self._window, Path(event.file()))
            return True
        return False
