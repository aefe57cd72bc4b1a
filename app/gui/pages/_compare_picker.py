"""The Compare page's run picker: a checkable, filterable list of runs, newest first.

The order runs were checked in is kept (the first is run A of the error diff), so the picker
reports a list, not a set. "Add parent" checks the parent (``parent_run_id``) of the run
highlighted in the list, or else of the last run checked: a fine-tuned run beside the run it
started from, in one click. It only shows what it is given (light ``RunRow`` records, or full
``RunRecord``s: it reads what both carry); the page reads the catalog, off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import RunRecord, RunRow
from app.gui.colors import run_color

_ID_ROLE = Qt.ItemDataRole.UserRole
_PARENT_ROLE = Qt.ItemDataRole.UserRole + 2


def color_swatch(color: str, size: int = 12) -> QIcon:
    """A filled square of ``color``: the run's colour wherever the run is named."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


Run = RunRecord | RunRow


def run_label(run: Run) -> str:
    """``#id name`` — the legend, column header and picker text of a run."""
    return f"#{run.id} {run.name}"


def describe_run(run: Run) -> str:
    accuracy = "" if run.test_accuracy is None else f", test acc {run.test_accuracy:.1%}"
    return f"{run.model} · {run.status}{accuracy}"


class RunPicker(QWidget):
    """Check runs to compare; ``selection_changed`` gives the run ids in check order."""

    selection_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._order: list[int] = []
        self._colors: dict[int, str] = {}  # the comparison's colours of the checked runs
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter runs (name, model, tag)…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        self.list.itemChanged.connect(self._on_item_changed)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Uncheck every run")
        self.clear_button.clicked.connect(lambda: self.set_checked([]))
        self.parent_button = QPushButton("Add parent")
        self.parent_button.setToolTip("Also compare the run the highlighted (or last checked) "
                                      "run was fine-tuned from")
        self.parent_button.clicked.connect(self._on_add_parent)
        self.list.currentItemChanged.connect(lambda *_: self._update_count())
        footer = QHBoxLayout()  # the count has a row of its own: a narrow picker cut both
        footer.addStretch(1)
        footer.addWidget(self.parent_button)
        footer.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>Runs</b>")
        layout.addWidget(title)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count_label)
        layout.addLayout(footer)
        self._update_count()

    # ----------------------------------------------------------------------------- public
    def set_runs(self, runs: Sequence[Run]) -> None:
        """Replace the list (already sorted newest first); checks on runs still there stay."""
        known = {run.id for run in runs}
        self._order = [run_id for run_id in self._order if run_id in known]
        self.list.blockSignals(True)
        self.list.clear()
        for run in runs:
            color = self._colors.get(run.id) or run_color(run.id)
            item = QListWidgetItem(color_swatch(color), run_label(run))
            item.setData(_ID_ROLE, run.id)
            item.setData(_PARENT_ROLE, run.parent_run_id)
            item.setToolTip(f"{run_label(run)}\n{describe_run(run)}\n{run.dataset_path or ''}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = run.id in self._order
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole + 1, _search_text(run))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._on_filter_changed(self.filter_edit.text())
        self._update_count()

    def set_checked(self, run_ids: Sequence[int]) -> None:
        """Check exactly ``run_ids`` (in this order) without emitting ``selection_changed``."""
        self._order = list(dict.fromkeys(int(run_id) for run_id in run_ids))
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            checked = item.data(_ID_ROLE) in self._order
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._update_count()
        self.selection_changed.emit(list(self._order))

    def set_colors(self, colors: Mapping[int, str]) -> None:
        """Swatches in the comparison's colours for the runs it shows, own colours else."""
        self._colors = dict(colors)
        for row in range(self.list.count()):
            item = self.list.item(row)
            run_id = item.data(_ID_ROLE)
            item.setIcon(color_swatch(self._colors.get(run_id) or run_color(run_id)))

    def checked_ids(self) -> list[int]:
        return list(self._order)

    def item_for(self, run_id: int) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            if self.list.item(row).data(_ID_ROLE) == run_id:
                return self.list.item(row)
        return None

    # --------------------------------------------------------------------------- handlers
    def _on_item_changed(self, item: QListWidgetItem) -> None:
        run_id = item.data(_ID_ROLE)
        if item.checkState() == Qt.CheckState.Checked and run_id not in self._order:
            self._order.append(run_id)
        elif item.checkState() != Qt.CheckState.Checked and run_id in self._order:
            self._order.remove(run_id)
        else:
            return
        self._update_count()
        self.selection_changed.emit(list(self._order))

    def _on_filter_changed(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.list.count()):
            item = self.list.item(row)
            haystack = item.data(Qt.ItemDataRole.UserRole + 1) or ""
            item.setHidden(bool(needle) and needle not in haystack)

    def parent_to_add(self) -> int | None:
        """The parent "Add parent" would check, or ``None`` (no parent, or already checked)."""
        item = self.list.currentItem()
        if item is None and self._order:
            item = self.item_for(self._order[-1])
        parent = item.data(_PARENT_ROLE) if item is not None else None
        return None if parent is None or parent in self._order else int(parent)

    def _on_add_parent(self) -> None:
        parent = self.parent_to_add()
        if parent is not None:
            self.set_checked([*self._order, parent])

    def _update_count(self) -> None:
        total = self.list.count()
        chosen = len(self._order)
        self.count_label.setText(f"{chosen} of {total} checked" if total else "No runs yet")
        self.clear_button.setEnabled(chosen > 0)
        parent = self.parent_to_add()
        self.parent_button.setEnabled(parent is not None)
        self.parent_button.setText("Add parent" if parent is None else f"Add parent #{parent}")


def _search_text(run: Run) -> str:
    parts = [f"#{run.id}", run.name, run.model, run.status, run.dataset_path or "", *run.tags]
    return " ".join(parts).lower()
