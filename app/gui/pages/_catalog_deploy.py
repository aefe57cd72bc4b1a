"""The run detail's Deploy tab: export the run's model, compress it, and see every check.

Each derived model (ONNX, ``torch.export``, standalone bundle, int8, pruned) is a row with its
check shown as it was recorded — a failed parity or an accuracy drop is red, never hidden —
and the figures beside it: parity against PyTorch, file size, latency and test accuracy next
to its source's. Exporting and compressing import torch and onnxruntime, so they run on the
heavy pool; the catalog is read on the pool too. Files go to the run's own ``exports`` folder.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog, ExportRecord, RunRecord
from app.gui.pages._deploy_format import COLUMNS, KIND_TITLES, describe_export, explain
from app.gui.pages._registry_register import RegisterButton
from app.gui.state import AppState
from app.gui.workers import PendingWork

EXPORT_FORMATS = (("onnx", "Export ONNX"), ("bundle", "Export bundle (zip)"),
                  ("torch", "Export torch.export (.pt2)"))
COMPRESS_METHODS = (("int8_dynamic", "int8, dynamic (Linear/LSTM)"),
                    ("int8_static", "int8, static (calibrated; convolutions)"),
                    ("pruned", "Magnitude pruning"))

_PASSED, _FAILED = QColor("#1b7f3b"), QColor("#b3261e")


def _export(catalog: Catalog, run_id: int, fmt: str) -> ExportRecord:
    from app.core.export import export_run

    return export_run(catalog, run_id, fmt)


def _bundle_file(catalog: Catalog, export_id: int) -> ExportRecord:
    from app.core.export import bundle_export

    return bundle_export(catalog, export_id)


def _compress(catalog: Catalog, run_id: int, method: str) -> ExportRecord:
    from app.core.compress import compress_run

    return compress_run(catalog, run_id, method)


class DeployTab(QWidget):
    changed = Signal(int)  # a run's derived models changed (an export or compression ended)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog: Catalog | None = None
        self.run: RunRecord | None = None
        self.records: list[ExportRecord] = []
        self._work = PendingWork(self)  # background reads and exports not yet answered
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for fmt, title in EXPORT_FORMATS:
            button = QPushButton(title)
            button.clicked.connect(lambda _checked=False, fmt=fmt: self.export(fmt))
            actions.addWidget(button)
            self.buttons[fmt] = button
        self.method = QComboBox()
        for method, title in COMPRESS_METHODS:
            self.method.addItem(title, method)
        self.compress_button = QPushButton("Compress")
        self.compress_button.setToolTip("Make a smaller version and measure it beside this model: "
                                        "file size, CPU latency and test accuracy")
        self.compress_button.clicked.connect(lambda: self.compress(self.method.currentData()))
        actions.addStretch(1)
        actions.addWidget(self.method)
        actions.addWidget(self.compress_button)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.open_button = QPushButton("Show file")
        self.open_button.setToolTip("Open the folder holding the selected file")
        self.open_button.clicked.connect(self._open_selected)
        self.bundle_button = QPushButton("Bundle selected file")
        self.bundle_button.setToolTip("Pack the selected ONNX or compressed file, exactly as it "
                                      "was checked, as a standalone folder and zip")
        self.bundle_button.clicked.connect(self._bundle_selected)
        self.register_button = RegisterButton(state)
        self.register_button.setText("Register selected as model version…")
        self.register_button.setToolTip("Give the selected file a name and version number, to "
                                        "promote it on the Models registry page")
        self.register_button.failed.connect(self._say)
        self.register_button.registered.connect(
            lambda version: self._say(f"Registered as {version.name} v{version.version}.",
                                      failed=False))
        self.table.itemSelectionChanged.connect(self._on_selection)
        below = QHBoxLayout()
        below.addStretch(1)
        below.addWidget(self.bundle_button)
        below.addWidget(self.register_button)
        below.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(below)
        self._set_enabled(False)

    @property
    def busy(self) -> bool:
        return self._work.busy

    def show_run(self, catalog: Catalog, run: RunRecord | None, usable: bool) -> None:
        """Show ``run``'s derived models; the actions need a usable model outside the trash."""
        self.catalog, self.run = catalog, run
        self.records = []
        self.table.setRowCount(0)
        self.register_button.show_for_export(None, None)
        if run is None:
            self._set_enabled(False)
            self.status.setText("")
            return
        can = usable and run.trashed_at is None
        self._set_enabled(can)
        self._say("" if can else "This run has no trained model to export (it has no weights"
                  " yet, or it is in the trash).", failed=False)
        self.reload()

    def reload(self) -> None:
        if self.catalog is None or self.run is None:
            return
        catalog, run_id = self.catalog, self.run.id
        self._work.start(lambda: catalog.list_exports(run_id),
                         lambda records: self._show(run_id, records),
                         lambda message: self._say(f"The exports cannot be read: {message}"))

    def export(self, fmt: str) -> None:
        self._start(lambda catalog, run_id: _export(catalog, run_id, fmt),
                    f"Exporting ({fmt}) and checking it against PyTorch on the test samples…")

    def compress(self, method: str) -> None:
        self._start(lambda catalog, run_id: _compress(catalog, run_id, method),
                    f"Compressing ({KIND_TITLES.get(method, method)}) and measuring it…")

    # --------------------------------------------------------------------------- private
    def _start(self, work: Callable[[Catalog, int], ExportRecord], message: str) -> None:
        if self.catalog is None or self.run is None:
            return
        catalog, run_id = self.catalog, self.run.id
        self._set_enabled(False)
        self._say(message, failed=False)
        self._work.start(lambda: work(catalog, run_id),
                         lambda record: self._on_made(run_id, record),
                         lambda error: self._on_error(run_id, error), heavy=True)

    def _on_made(self, run_id: int, record: ExportRecord) -> None:
        self.changed.emit(run_id)
        if self.run is None or self.run.id != run_id:
            return
        self._set_enabled(True)
        title = KIND_TITLES.get(record.kind, record.kind)
        if record.status == "failed":
            self._say(f"{title} written, but its check FAILED. {explain(record)}")
        else:
            self._say(f"{title} written to {record.path} — check {record.status}.", failed=False)
        self.reload()

    def _on_error(self, run_id: int, message: str) -> None:
        if self.run is not None and self.run.id == run_id:
            self._set_enabled(True)
            self._say(message)

    def _show(self, run_id: int, records: list[ExportRecord]) -> None:
        if self.run is None or self.run.id != run_id:
            return
        self.records = list(records)
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            tip = explain(record)
            for column, text in enumerate(describe_export(record, self.records)):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if column == 1:
                    item.setForeground(_FAILED if record.status == "failed" else _PASSED
                                       if record.status == "passed" else QColor("#666"))
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()

    def selected(self) -> ExportRecord | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self.records[rows.pop()] if len(rows) == 1 else None

    def _on_selection(self) -> None:
        record = self.selected()
        self.register_button.show_for_export(self.run, record)
        self._update_bundle_button()

    def _update_bundle_button(self) -> None:
        from app.core.export import BUNDLE_SOURCES

        record = self.selected()
        self.bundle_button.setEnabled(record is not None and record.kind in BUNDLE_SOURCES
                                      and self.compress_button.isEnabled())

    def _bundle_selected(self) -> None:
        record = self.selected()
        if record is not None:
            title = KIND_TITLES.get(record.kind, record.kind)
            self._start(lambda catalog, _run_id: _bundle_file(catalog, record.id),
                        f"Packing the {title} file as a standalone bundle…")

    def _open_selected(self) -> None:
        record = self.selected()
        if record is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(record.path.parent)))

    def _set_enabled(self, enabled: bool) -> None:
        for button in (*self.buttons.values(), self.compress_button):
            button.setEnabled(enabled)
        self.method.setEnabled(enabled)
        self._update_bundle_button()

    def _say(self, message: str, failed: bool = True) -> None:
        self.status.setText(message)
        self.status.setStyleSheet(f"color: {_FAILED.name()};" if failed else "")
