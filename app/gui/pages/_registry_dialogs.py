"""The registry's small questions: which name (register) or alias (promote, roll back), and why.

Each is a window-modal ``QDialog`` opened with ``open()`` (the event loop keeps running, so
pool results still arrive); the caller connects ``accepted`` and reads ``choice()``. Names and
aliases are checked as they are typed with the catalog's own rules, so OK is only offered for
something the catalog will take.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import check_alias, check_model_name
from app.core.errors import CatalogError

DEFAULT_ALIASES = ("production", "staging")


class RegistryDialog(QDialog):
    """A line to explain, an editable choice (name or alias) and a note."""

    def __init__(self, title: str, explanation: str, label: str, choices: Sequence[str],
                 check: Callable[[str], str], parent: QWidget | None = None,
                 *, editable: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._check = check
        self.choice_box = QComboBox()
        self.choice_box.setEditable(editable)
        self.choice_box.addItems(list(choices))
        self.choice_box.setMinimumWidth(260)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("why (kept in the history)")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #B00020")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(label, self.choice_box)
        form.addRow("Note:", self.note_edit)
        intro = QLabel(explanation)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.choice_box.currentTextChanged.connect(self._on_text_changed)
        self._on_text_changed(self.choice_box.currentText())

    def choice(self) -> tuple[str, str]:
        """(name or alias, note), as typed."""
        return self.choice_box.currentText().strip(), self.note_edit.text().strip()

    def _on_text_changed(self, text: str) -> None:
        try:
            self._check(text)
            problem = ""
        except CatalogError as error:
            problem = str(error) if text.strip() else ""
        self.problem.setText(problem)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problem and bool(text.strip()))


def register_dialog(run_label: str, names: Sequence[str], parent: QWidget) -> RegistryDialog:
    return RegistryDialog(
        "Register as model version",
        f"Register {run_label} as the next version of a named model (a new name starts at "
        "version 1).", "Model name:", names, check_model_name, parent)


def alias_dialog(title: str, explanation: str, aliases: Sequence[str], parent: QWidget,
                 *, editable: bool = True) -> RegistryDialog:
    choices = list(dict.fromkeys([*aliases, *DEFAULT_ALIASES])) if editable else list(aliases)
    return RegistryDialog(title, explanation, "Alias:", choices, check_alias, parent,
                          editable=editable)
