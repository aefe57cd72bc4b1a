"""The run detail's "Register as model version…": a run with a usable model becomes the next
version of a named model (asked for, with a note), on the pool; the registry page and Try it
hear of it through ``AppState.registry_changed``."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.core.catalog import ModelVersion, RunRecord
from app.gui.pages._registry_dialogs import RegistryDialog, register_dialog
from app.gui.state import AppState
from app.gui.workers import run_in_background

REGISTRABLE = ("completed", "stopped")  # the catalog refuses the others, with its reason


class RegisterButton(QPushButton):
    registered = Signal(object)  # ModelVersion
    failed = Signal(str)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__("Register as model version…", parent)
        self.state = state
        self.run: RunRecord | None = None
        self.dialog: RegistryDialog | None = None
        self.setToolTip("Give this run's model a name and a version number, to promote it to "
                        "production on the Models registry page")
        self.clicked.connect(self._on_clicked)
        self.show_for(None, usable=False)

    def show_for(self, run: RunRecord | None, *, usable: bool) -> None:
        """Offered for a live completed or stopped run with its weights."""
        self.run = run
        self.setVisible(run is not None and usable and run.trashed_at is None
                        and run.status in REGISTRABLE)

    def _on_clicked(self) -> None:
        if self.run is None:
            return
        catalog, run = self.state.catalog, self.run
        run_in_background(self, lambda: [m.name for m in catalog.list_registered_models()],
                          lambda names: self._ask(run, names), self._on_failed)

    def _ask(self, run: RunRecord, names: list[str]) -> None:
        dialog = register_dialog(f"run #{run.id} ({run.name})", names, self.window())
        self.dialog = dialog
        catalog = self.state.catalog

        def on_accepted() -> None:
            name, note = dialog.choice()
            run_in_background(self, lambda: catalog.register_model_version(name, run.id,
                                                                           note=note),
                              self._on_registered, self._on_failed)

        dialog.accepted.connect(on_accepted)
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.open()

    def _on_registered(self, version: ModelVersion) -> None:
        self.state.registry_changed.emit()
        self.registered.emit(version)

    def _on_failed(self, message: str) -> None:
        self.failed.emit(f"The run could not be registered: {message}")
