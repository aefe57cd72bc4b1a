"""The Models registry page: named models, their versions, where the aliases point and why.

Left, the registered names; right, the chosen name's versions (run, test accuracy, model file,
aliases, note) and its history (who, when, what, why). Promote points an alias at the selected
version, Roll back returns an alias to where it pointed before, Archive retires a version (so
its run may be deleted); each asks for a note. Versions are registered from a run's detail on
the Catalog page ("Register as model version…"). Every read and write runs on the pool; the
page redraws from what the catalog says afterwards, never from what it asked for.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog, ModelVersion, RegisteredModel
from app.gui.pages._registry_dialogs import RegistryDialog, alias_dialog
from app.gui.pages._registry_tables import (
    fill_history,
    fill_versions,
    history_table,
    selected_version,
    versions_table,
)
from app.gui.state import AppState
from app.gui.training_queue import TrainingQueue
from app.gui.workers import run_in_background

EMPTY = ("No registered models yet. Open a run on the Catalog page and choose “Register as "
         "model version…”, or run main.py --register RUN --name NAME.")


def read_registry(catalog: Catalog, name: str | None) -> tuple[list[RegisteredModel], str | None,
                                                                list[ModelVersion], list[Any]]:
    """On the pool: every name, and the versions and history of ``name`` (or the first)."""
    models = catalog.list_registered_models()
    names = [model.name for model in models]
    chosen = name if name in names else (names[0] if names else None)
    if chosen is None:
        return models, None, [], []
    return models, chosen, catalog.model_versions(chosen), catalog.registry_history(chosen)


def bundle_version(catalog: Catalog, version: ModelVersion) -> Any:
    """The version as a standalone bundle: the file it names, as it was checked, or its run's
    model exported and parity-checked now (the same as ``main.py --export NAME@ALIAS
    --format bundle``)."""
    from app.core.export import bundle_export, export_run

    if version.export_id is not None:
        return bundle_export(catalog, version.export_id)
    if version.run_id is None:
        raise ValueError(f"{version.label}'s run was deleted; there is no model to export")
    return export_run(catalog, version.run_id, "bundle")


def _model_title(model: RegisteredModel) -> str:
    """Two lines: the name, then its version count and where its aliases point."""
    aliases = "".join(f" · {alias} v{version}" for alias, version in model.aliases.items())
    count = f"{model.versions} version{'s' if model.versions != 1 else ''}"
    return f"{model.name}\n{count}{aliases}"


class RegistryPage(QWidget):
    loaded = Signal(object)  # the name shown (str) or None; tables are filled
    changed = Signal(str)  # a registry write finished: what it did, in words
    failed = Signal(str)
    open_run_requested = Signal(int)

    def __init__(self, state: AppState, queue: TrainingQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.queue = state, queue
        self.name: str | None = None
        self.versions: list[ModelVersion] = []
        self.dialog: RegistryDialog | None = None
        self._generation = 0
        self._bundling = False
        self._build()
        state.registry_changed.connect(self.refresh)
        state.runs_changed.connect(self.refresh)  # a trashed or restored run shows as such
        state.catalog_changed.connect(lambda _catalog: self.refresh())
        self.refresh()

    def _build(self) -> None:
        self.names = QListWidget()
        self.names.setObjectName("registryNames")
        self.names.currentItemChanged.connect(self._on_name_chosen)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.table = versions_table()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.history = history_table()
        self.promote_button = self._button("Promote…", self._on_promote,
                                           "Point an alias (production, staging) at the "
                                           "selected version")
        self.rollback_button = self._button("Roll back…", self._on_rollback,
                                            "Point an alias back at the version it pointed at "
                                            "before its last change")
        self.archive_button = self._button("Archive…", self._on_archive,
                                           "Retire the selected version; its run may then be "
                                           "deleted")
        self.open_button = self._button("Open run", self._on_open_run,
                                        "Show the selected version's run on the Catalog page")
        self.bundle_button = self._button("Export bundle", self._on_bundle,
                                          "Write the selected version as a standalone folder "
                                          "and zip (ONNX, labels, predict.py) in its run's "
                                          "exports folder")
        buttons = QHBoxLayout()
        for button in (self.promote_button, self.rollback_button, self.archive_button,
                       self.open_button, self.bundle_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.empty = QLabel(EMPTY)
        self.empty.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("registryMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addLayout(buttons)
        column.addWidget(self.table, 3)
        column.addWidget(QLabel("<b>History</b> (newest first)"))
        column.addWidget(self.history, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.names)
        splitter.addWidget(right)
        self.names.setSpacing(2)
        splitter.setSizes([260, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h3>Models registry</h3>"))
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    def _button(self, text: str, slot: Any, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    # ----------------------------------------------------------------------------- reading
    def refresh(self, name: str | None = None) -> None:
        """Re-read the names and the shown (or given) name's versions and history."""
        self._generation += 1
        generation, catalog, wanted = self._generation, self.state.catalog, name or self.name
        run_in_background(self, lambda: read_registry(catalog, wanted),
                          lambda result: self._on_read(generation, *result), self._show_error)

    def show_name(self, name: str) -> None:
        self.refresh(name)

    def _on_read(self, generation: int, models: list[RegisteredModel], name: str | None,
                 versions: list[ModelVersion], events: list[Any]) -> None:
        if generation != self._generation:
            return
        keep = selected_version(self.table) if name == self.name else None
        self.name, self.versions = name, versions
        self.names.blockSignals(True)
        self.names.clear()
        for model in models:
            item = QListWidgetItem(_model_title(model), self.names)
            item.setData(Qt.ItemDataRole.UserRole, model.name)
            if model.name == name:
                self.names.setCurrentItem(item)
        self.names.blockSignals(False)
        self.title.setText(name or "")
        self.empty.setVisible(name is None)
        self.table.clearSelection()
        fill_versions(self.table, versions, keep)
        fill_history(self.history, events)
        self._update_buttons()
        self.loaded.emit(name)

    def _on_name_chosen(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self.refresh(item.data(Qt.ItemDataRole.UserRole))

    def selected(self) -> ModelVersion | None:
        number = selected_version(self.table)
        return next((v for v in self.versions if v.version == number), None)

    def _update_buttons(self) -> None:
        version = self.selected()
        live = version is not None and version.archived_at is None
        self.promote_button.setEnabled(live)
        self.archive_button.setEnabled(live and not version.aliases)
        self.rollback_button.setEnabled(any(v.aliases for v in self.versions))
        self.open_button.setEnabled(version is not None and version.run_id is not None)
        self.bundle_button.setEnabled(live and version.run_id is not None
                                      and not self._bundling)

    # ----------------------------------------------------------------------------- writing
    def _on_promote(self) -> None:
        version = self.selected()
        if version is None or self.name is None:
            return
        aliases = sorted({alias for v in self.versions for alias in v.aliases})
        self._ask(alias_dialog("Promote", f"Point an alias of {self.name} at v{version.version}"
                               f" (run #{version.run_id}).", aliases, self),
                  lambda catalog, name, alias, note: catalog.set_alias(
                      name, alias, version.version, note=note),
                  lambda alias: f"{alias} of {self.name} now points at v{version.version}")

    def _on_rollback(self) -> None:
        aliases = sorted({alias for v in self.versions for alias in v.aliases})
        if self.name is None or not aliases:
            return
        self._ask(alias_dialog("Roll back", f"Point an alias of {self.name} back at the version "
                               "it pointed at before its last change.", aliases, self,
                               editable=False),
                  lambda catalog, name, alias, note: catalog.rollback(name, alias, note=note),
                  lambda alias: f"{alias} of {self.name} rolled back")

    def _on_archive(self) -> None:
        version = self.selected()
        if version is None or self.name is None:
            return
        self._ask(RegistryDialog("Archive version", f"Retire {version.label}: no alias can point"
                                 " at it again, and its run may be deleted.", "Version:",
                                 [f"v{version.version}"], lambda text: text, self,
                                 editable=False),
                  lambda catalog, name, _choice, note: catalog.archive_model_version(
                      name, version.version, note=note),
                  lambda _choice: f"{version.label} archived")

    def _ask(self, dialog: RegistryDialog, write: Any, said: Any) -> None:
        """Open ``dialog``; on OK run ``write(catalog, name, choice, note)`` on the pool."""
        self.dialog, name, catalog = dialog, self.name, self.state.catalog

        def on_accepted() -> None:
            choice, note = dialog.choice()
            run_in_background(self, lambda: write(catalog, name, choice, note),
                              lambda _result: self._on_written(said(choice)), self._show_error)

        dialog.accepted.connect(on_accepted)
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.open()

    def _on_written(self, what: str) -> None:
        self._say(what, error=False)
        self.state.registry_changed.emit()  # this page refreshes, Try it re-lists
        self.changed.emit(what)

    def _on_bundle(self) -> None:
        version, catalog = self.selected(), self.state.catalog
        if version is None:
            return
        self._bundling = True
        self._update_buttons()
        self._say(f"Writing {version.label} as a standalone bundle…", error=False)

        def done(record: Any) -> None:
            self._bundling = False
            self._update_buttons()
            self._say(f"{version.label} written to {record.path} (check: {record.status})",
                      error=record.status == "failed")
            self.changed.emit(f"{version.label} bundled")

        def failed(message: str) -> None:
            self._bundling = False
            self._update_buttons()
            self._show_error(message)

        run_in_background(self, lambda: bundle_version(catalog, version), done, failed,
                          heavy=True)

    @property
    def busy(self) -> bool:
        return self._bundling

    def _on_open_run(self) -> None:
        version = self.selected()
        if version is not None and version.run_id is not None:
            self.open_run_requested.emit(version.run_id)

    def _show_error(self, message: str) -> None:
        self._say(message, error=True)
        self.failed.emit(message)

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setStyleSheet("color: #B00020" if error else "color: #1B5E20")
        self.message.setText(text)
        self.message.show()
