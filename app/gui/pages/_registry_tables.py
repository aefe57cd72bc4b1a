"""The Models registry page's two tables: a name's versions, and the history of its changes.

Both are rebuilt from frozen catalog records (a name has tens of versions, not thousands), read
only, whole rows selected; a version row keeps its number so the page knows what is selected.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.core.catalog import ModelVersion, RegistryEvent

VERSION_ROLE = Qt.ItemDataRole.UserRole + 1
VERSION_HEADERS = ("Version", "Aliases", "Run", "Test accuracy", "Model file", "Created", "By",
                   "Note")
HISTORY_HEADERS = ("When", "Who", "What", "Note")
_GREY = QBrush(QColor("#888888"))


def _table(headers: Sequence[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def versions_table() -> QTableWidget:
    return _table(VERSION_HEADERS, "registryVersions")


def history_table() -> QTableWidget:
    return _table(HISTORY_HEADERS, "registryHistory")


def version_cells(version: ModelVersion) -> tuple[str, ...]:
    run = (f"#{version.run_id} {version.run_name}" if version.run_id is not None else "—")
    if version.run_state != "completed":
        run += f" ({version.run_state})"
    accuracy = "—" if version.test_accuracy is None else f"{version.test_accuracy:.1%}"
    file = ("run weights" if version.export_id is None
            else f"{version.export_kind} #{version.export_id} ({version.export_status})")
    aliases = ", ".join(version.aliases) or ("archived" if version.archived_at else "")
    return (f"v{version.version}", aliases, run, accuracy, file,
            version.created_at[:16].replace("T", " "), version.created_by, version.note)


def fill_versions(table: QTableWidget, versions: Sequence[ModelVersion],
                  keep: int | None) -> None:
    """Show ``versions`` newest first; select version ``keep`` again if it is still there."""
    bold = QFont()
    bold.setBold(True)
    table.setRowCount(len(versions))
    for row, version in enumerate(reversed(versions)):
        for column, text in enumerate(version_cells(version)):
            item = QTableWidgetItem(text)
            item.setData(VERSION_ROLE, version.version)
            if version.aliases:
                item.setFont(bold)
            if version.archived_at is not None:
                item.setForeground(_GREY)
            table.setItem(row, column, item)
        if version.version == keep:
            table.selectRow(row)


def selected_version(table: QTableWidget) -> int | None:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return None if item is None else int(item.data(VERSION_ROLE))


def fill_history(table: QTableWidget, events: Sequence[RegistryEvent]) -> None:
    """Newest change first, as a log is read."""
    table.setRowCount(len(events))
    for row, event in enumerate(reversed(events)):
        cells = (event.at[:19].replace("T", " "), event.user, event.describe(), event.note)
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(text))
