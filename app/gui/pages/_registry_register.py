"""The run detail's "Register as model version…": a run with a usable model (or one of its
exported or compressed files, from the Deploy tab) becomes the next version of a named model
(asked for, with a note), on the pool; the registry page and Try it hear of it through
``AppState.registry_changed``."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.core.catalog import ExportRecord, ModelVersion, RunRecord
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
        self.export: ExportRecord | None = None
        self.dialog: RegistryDialog | None = None
        self.setToolTip("Give this run's model a name and a version number, to promote it to "
                        "production on the Models registry page")
        self.clicked.connect(self._on_clicked)
        self.show_for(None, usable=False)

    def show_for(self, run: RunRecord | None, *, usable: bool) -> None:
        """Offered for a live completed or stopped run with its weights."""
        self.run, self.export = run, None
        self.setVisible(run is not None and usable and run.trashed_at is None
                        and run.status in REGISTRABLE)

    def show_for_export(self, run: RunRecord | None, export: ExportRecord | None) -> None:
        """Offered for one derived model of such a run whose check did not fail."""
        self.show_for(run, usable=export is not None and export.status != "failed")
        self.export = export if self.isVisible() else None

    def _on_clicked(self) -> None:
        if self.run is None:
            return
        catalog, run, export = self.state.catalog, self.run, self.export
        run_in_background(self, lambda: [m.name for m in catalog.list_registered_models()],
                          lambda names: self._ask(run, export, names), self._on_failed)

    def _ask(self, run: RunRecord, export: ExportRecord | None, names: list[str]) -> None:
        label = f"run #{run.id} ({run.name})"
        if export is not None:
            label = f"the {export.kind} file #{export.id} of {label}"
        dialog = register_dialog(label, names, self.window())
        self.dialog = dialog
        catalog, export_id = self.state.catalog, None if export is None else export.id

        def on_accepted() -> None:
            name, note = dialog.choice()
            run_in_background(self, lambda: catalog.register_model_version(
                name, run.id, export_id=export_id, note=note),
                self._on_registered, self._on_failed)

        dialog.accepted.connect(on_accepted)
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.open()

    def _on_registered(self, version: ModelVersion) -> None:
        self.state.registry_changed.emit()
        self.registered.emit(version)

    def _on_failed(self, message: str) -> None:
        what = "run" if self.export is None else "file"
        self.failed.emit(f"The {what} could not be registered: {message}")
