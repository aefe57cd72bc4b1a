"""The Search view's trials table: one row per trial (status, metric, time, epochs, then each
parameter), a check box per trial run for Compare, and the best trial in bold.

Rows are rebuilt from each summary (tens to hundreds of trials); the checks are kept by trial
number across rebuilds, so trials arriving live never undo what the person ticked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.core.config import fmt

FIXED = ("trial", "status", "value", "seconds", "epochs")
HEADERS = {"trial": "Trial", "status": "Status", "value": "Metric", "seconds": "Time (s)",
           "epochs": "Epochs", "worker": "Worker"}
RUN_ROLE = Qt.ItemDataRole.UserRole + 1


class TrialsTable(QTableWidget):
    run_activated = Signal(int)  # a trial's run was double-clicked: open its detail
    checks_changed = Signal()

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(0, len(FIXED), parent)
        self.setObjectName("trialsTable")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self._checked: set[int] = set()  # trial numbers
        self._filling = False
        self.itemChanged.connect(self._on_item_changed)
        self.cellDoubleClicked.connect(self._on_double_click)

    # ----------------------------------------------------------------------------- API
    def set_trials(self, trials: Sequence[Mapping[str, Any]], best_run_id: int | None,
                   metric: str, *, shared: bool = False) -> None:
        """Rows for ``trials``; a ``shared`` search's also say which worker ran each (a trial
        another worker ran has no run in this catalog until it is imported)."""
        params = list(dict.fromkeys(k for t in trials for k in t["params"]))
        fixed = (*FIXED, "worker") if shared else FIXED
        self._filling = True
        try:
            self.setColumnCount(len(fixed) + len(params))
            self.setHorizontalHeaderLabels(
                [HEADERS[c] if c != "value" else metric for c in fixed] + params)
            self.setRowCount(len(trials))
            bold = QFont()
            bold.setBold(True)
            for row, trial in enumerate(trials):
                cells = [_text(trial.get(c)) for c in fixed]
                cells += [_text(trial["params"].get(p)) for p in params]
                run_id = trial.get("run_id")
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setData(RUN_ROLE, run_id)
                    if run_id is not None and run_id == best_run_id:
                        item.setFont(bold)
                    self.setItem(row, column, item)
                first = self.item(row, 0)
                first.setData(Qt.ItemDataRole.UserRole, trial["trial"])
                if run_id is not None:
                    first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    checked = trial["trial"] in self._checked
                    first.setCheckState(Qt.CheckState.Checked if checked
                                        else Qt.CheckState.Unchecked)
        finally:
            self._filling = False

    def run_ids(self) -> list[int | None]:
        return [self.item(row, 0).data(RUN_ROLE) for row in range(self.rowCount())]

    def set_checked(self, trial_numbers: Sequence[int]) -> None:
        for row in range(self.rowCount()):
            item = self.item(row, 0)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                on = item.data(Qt.ItemDataRole.UserRole) in set(trial_numbers)
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def checked_run_ids(self) -> list[int]:
        """The ticked trials' runs, in trial order."""
        ids = []
        for row in range(self.rowCount()):
            item = self.item(row, 0)
            if item.data(RUN_ROLE) is not None and item.checkState() == Qt.CheckState.Checked:
                ids.append(int(item.data(RUN_ROLE)))
        return ids

    def forget_checks(self) -> None:
        self._checked.clear()

    # ------------------------------------------------------------------------ handlers
    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0:
            return
        number = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self._checked.add(number)
        else:
            self._checked.discard(number)
        self.checks_changed.emit()

    def _on_double_click(self, row: int, _column: int) -> None:
        run_id = self.item(row, 0).data(RUN_ROLE)
        if run_id is not None:
            self.run_activated.emit(int(run_id))


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return fmt(value) if not isinstance(value, str) else value
