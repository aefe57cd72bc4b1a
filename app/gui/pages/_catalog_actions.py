"""The run detail's "Use these settings" and "Reproduce" buttons.

"Use these settings" puts a run's stored settings into the Models form (``AppState.
use_settings``) to iterate by hand. "Reproduce" plans the re-run on the heavy pool (it loads
the dataset and checks the device and any ``init_from`` run) and queues a ``ReproduceJob``;
when the dataset's fingerprint is not the recorded one it asks first, in a window-modal box
that does not block the event loop, so nothing trains on changed data unannounced.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QWidget

from app.core.catalog import RunRecord
from app.core.errors import ModelDeskError
from app.core.jobs import ReproduceJob
from app.core.runs import Reproduction, plan_reproduction
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.workers import run_in_background


class RunActions(QWidget):
    settings_used = Signal(int)  # the run's settings are in the Models form
    reproduce_queued = Signal(int)  # a reproduction of the run joined the training queue
    failed = Signal(str)

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.run: RunRecord | None = None
        self.question: QMessageBox | None = None  # open while a changed dataset is asked about
        self.planning = False
        self.settings_button = QPushButton("Use these settings")
        self.settings_button.setToolTip("Fill the Models page with this run's model and "
                                        "settings (and open its dataset) to try a variation")
        self.settings_button.clicked.connect(self._on_use_settings)
        self.reproduce_button = QPushButton("Reproduce")
        self.reproduce_button.setToolTip("Train this run again from its stored settings and "
                                         "dataset, as a new run linked to it")
        self.reproduce_button.clicked.connect(self._on_reproduce)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.settings_button)
        layout.addWidget(self.reproduce_button)
        self.show_for(None)

    def show_for(self, run: RunRecord | None) -> None:
        """Offer the actions for a live run with a stored config; hide them otherwise."""
        self.run = run
        usable = run is not None and run.trashed_at is None and bool(run.config)
        self.setVisible(usable)
        self.reproduce_button.setEnabled(usable and not self.planning)

    def _on_use_settings(self) -> None:
        if self.run is None:
            return
        try:
            self.state.use_settings(self.run)
        except ModelDeskError as error:
            self.failed.emit(f"The settings of run {self.run.id} cannot be used: {error}")
            return
        self.settings_used.emit(self.run.id)

    def _on_reproduce(self) -> None:
        if self.run is None or self.planning:
            return
        catalog, run_id = self.state.catalog, self.run.id
        self.planning = True
        self.reproduce_button.setEnabled(False)
        run_in_background(self, lambda: plan_reproduction(catalog, run_id), self._on_planned,
                          lambda message: self._on_plan_failed(run_id, message), heavy=True)

    def _on_planned(self, reproduction: Reproduction) -> None:
        self.planning = False
        self.reproduce_button.setEnabled(self.run is not None)
        if not reproduction.dataset_changed:
            self._enqueue(reproduction.original.id)
            return
        original = reproduction.original.id
        box = QMessageBox(QMessageBox.Icon.Warning, "The dataset changed",
                          f"Run {original}: {reproduction.warning()}.\n\nReproduce it anyway?",
                          QMessageBox.StandardButton.Cancel, self)
        go = box.addButton("Reproduce anyway", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: self._on_answer(original, button is go))
        self.question = box
        box.open()

    def _on_answer(self, run_id: int, reproduce: bool) -> None:
        if self.question is not None:
            self.question.deleteLater()
            self.question = None
        if reproduce:
            self._enqueue(run_id)

    def _on_plan_failed(self, run_id: int, message: str) -> None:
        self.planning = False
        self.reproduce_button.setEnabled(self.run is not None)
        self.failed.emit(f"Run {run_id} cannot be reproduced: {message}")

    def _enqueue(self, run_id: int) -> None:
        self.queue.enqueue(ReproduceJob(run_id), self.state.catalog.path)
        self.reproduce_queued.emit(run_id)
