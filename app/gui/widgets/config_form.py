"""A form generated from the core's parameters, with inline validation as the user types.

Each field is a ``FieldSpec``: a core ``Param`` (type, default, bounds, choices, help) plus
how the window presents it (label, placeholder, group, advanced). The form turns each edit into
a value, lets the ``Param`` check it, and marks bad fields (``invalid`` dynamic property → red
border); it never raises on bad input. Rules that span several fields belong to the caller,
which reports them back through ``set_external_errors`` so they are marked and counted like any
other error.

Contract: ``values()`` holds only fields whose current input is valid, so a caller that copies
it into its model never stores a bad value; ``changed`` fires on user edits only (not on
``set_values``); ``validity_changed(bool)`` fires whenever ``errors()`` turns empty or not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.config import Param
from app.gui.widgets._form_values import FieldError, format_value, parse

INVALID_STYLE = """
*[invalid="true"] { border: 1px solid #C62828; border-radius: 3px; background: #FDECEA; }
"""
_SPIN_LIMIT = 2**31 - 1  # spin boxes accept any int; the field's own bounds are checked
EDITOR_MAX_WIDTH = 340  # wide enough for any value; wider only makes the eye travel


@dataclass(frozen=True)
class FieldSpec:
    """One setting of the form: a core ``Param`` and how it is shown.

    Attributes:
        param: What the value must be (its ``validate`` is the only check).
        label: The text beside the editor.
        default: The value shown first (a model's training default may differ from the
            parameter's own).
        suggestions: Values offered in an editable combo box (the text is still checked).
        enabled_if: Greys the field out unless it returns True for the current ``values()``.
        group, advanced: Which group box the field sits in, and whether it hides in the
            collapsible "Advanced" section.
    """

    param: Param
    label: str
    default: Any = None
    placeholder: str = ""
    group: str = ""
    advanced: bool = False
    suggestions: tuple[str, ...] | None = None
    enabled_if: Callable[[Mapping[str, Any]], bool] | None = None

    @property
    def name(self) -> str:
        return self.param.name

    @property
    def type(self) -> type:
        return self.param.type

    @property
    def help(self) -> str:
        return self.param.help

    @property
    def choices(self) -> tuple[str, ...] | None:
        return self.param.choices


class _IntSpin(QSpinBox):
    """Accepts any whole number so out-of-range input can be shown as an error, not refused;
    the arrows still stay within the field's bounds."""

    def __init__(self, low: float | None, high: float | None) -> None:
        super().__init__()
        self.setRange(-_SPIN_LIMIT, _SPIN_LIMIT)
        self._low = int(math.ceil(low)) if low is not None else -_SPIN_LIMIT
        self._high = int(high) if high is not None else _SPIN_LIMIT
        self.setMinimumWidth(110)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        self.setValue(min(max(self.value() + steps, self._low), self._high))

    def sizeHint(self):  # noqa: ANN201, N802 - Qt override: do not size for ±2147483647
        hint = super().sizeHint()
        hint.setWidth(min(hint.width(), 140))
        return hint


class ConfigForm(QWidget):
    changed = Signal()
    validity_changed = Signal(bool)

    def __init__(self, fields: Iterable[FieldSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, FieldSpec] = {f.name: f for f in fields}
        self._editors: dict[str, QWidget] = {}
        self._values: dict[str, Any] = {}
        self._field_errors: dict[str, str] = {}
        self._external: dict[str, str] = {}
        self._valid = True
        self._loading = False
        self._labels: list[QLabel] = []
        self.setStyleSheet(INVALID_STYLE)
        self._build()
        self.set_label_width(self.label_width())
        self.set_values({f.name: f.default for f in self.fields.values()})

    # ----------------------------------------------------------------------------- API
    def values(self) -> dict[str, Any]:
        """Parsed values of every field whose input is currently valid."""
        return {n: v for n, v in self._values.items() if n not in self._field_errors}

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show ``values`` (unknown keys ignored); re-validates without emitting ``changed``."""
        self._loading = True
        try:
            for name, value in values.items():
                if name in self.fields:
                    self._show(name, value)
        finally:
            self._loading = False
        for name in self.fields:
            self._read(name)
        self._after_edit()

    def errors(self) -> dict[str, str]:
        """Messages by field name (``""`` for a problem no single field owns)."""
        return {**self._external, **self._field_errors}

    def is_valid(self) -> bool:
        return not self.errors()

    def set_external_errors(self, errors: Mapping[str, str]) -> None:
        """Cross-field problems found by the caller; they replace the previous ones."""
        errors = dict(errors)
        if errors == self._external:
            return
        self._external = errors
        self._refresh_marks()

    def editor(self, name: str) -> QWidget:
        """The widget editing ``name`` (tests type into it; pages may focus it)."""
        return self._editors[name]

    def label_width(self) -> int:
        return max((label.sizeHint().width() for label in self._labels), default=0)

    def set_label_width(self, width: int) -> None:
        """Line up the label columns of every group box (and of forms stacked together)."""
        for label in self._labels:
            label.setMinimumWidth(width)

    def advanced_visible(self) -> bool:
        return self._advanced_body is not None and not self._advanced_body.isHidden()

    def set_advanced_visible(self, visible: bool) -> None:
        if self._advanced_toggle is not None:
            self._advanced_toggle.setChecked(visible)

    # -------------------------------------------------------------------------- layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        basic = [f for f in self.fields.values() if not f.advanced]
        advanced = [f for f in self.fields.values() if f.advanced]
        for box in self._group_boxes(basic):
            layout.addWidget(box)
        self._advanced_toggle: QToolButton | None = None
        self._advanced_body: QWidget | None = None
        if advanced:
            toggle = QToolButton()
            toggle.setText("Advanced")
            toggle.setCheckable(True)
            toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            toggle.setArrowType(Qt.ArrowType.RightArrow)
            toggle.setAutoRaise(True)
            toggle.setToolTip("Settings that rarely need changing")
            body = QWidget()
            body_layout = QVBoxLayout(body)
            body_layout.setContentsMargins(0, 0, 0, 0)
            for box in self._group_boxes(advanced):
                body_layout.addWidget(box)
            body.hide()
            toggle.toggled.connect(self._on_advanced_toggled)
            layout.addWidget(toggle)
            layout.addWidget(body)
            self._advanced_toggle, self._advanced_body = toggle, body

    def _group_boxes(self, fields: list[FieldSpec]) -> list[QGroupBox]:
        groups: dict[str, list[FieldSpec]] = {}
        for f in fields:
            groups.setdefault(f.group, []).append(f)
        boxes = []
        for title, members in groups.items():
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            form.setHorizontalSpacing(12)
            form.setVerticalSpacing(6)
            for f in members:
                editor = self._make_editor(f)
                label = QLabel(f"{f.label}:")
                self._labels.append(label)
                label.setToolTip(f.help)
                label.setBuddy(editor)
                form.addRow(label, editor)
            boxes.append(box)
        return boxes

    def _make_editor(self, f: FieldSpec) -> QWidget:
        if f.type is bool:
            editor: QWidget = QCheckBox()
            editor.toggled.connect(lambda _on, n=f.name: self._on_edited(n))
        elif f.choices or f.suggestions:
            editor = QComboBox()
            editor.addItems(list(f.choices or f.suggestions or ()))
            if f.suggestions:
                editor.setEditable(True)
                editor.lineEdit().setPlaceholderText(f.placeholder)
                editor.editTextChanged.connect(lambda _t, n=f.name: self._on_edited(n))
            else:
                editor.currentIndexChanged.connect(lambda _i, n=f.name: self._on_edited(n))
        elif f.type is int and not f.param.optional:
            editor = _IntSpin(f.param.min, f.param.max)
            editor.textChanged.connect(lambda _t, n=f.name: self._on_edited(n))
        else:
            editor = QLineEdit()
            editor.setPlaceholderText(f.placeholder or ("e.g. 3, 4, 5" if f.type is tuple else ""))
            editor.textChanged.connect(lambda _t, n=f.name: self._on_edited(n))
        editor.setObjectName(f.name)
        editor.setToolTip(f.help)
        editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        editor.setMaximumWidth(EDITOR_MAX_WIDTH)
        self._editors[f.name] = editor
        return editor

    # ------------------------------------------------------------------ reading/writing
    def _show(self, name: str, value: Any) -> None:
        editor = self._editors[name]
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QComboBox):
            text = "" if value is None else str(value)
            if editor.isEditable():
                editor.setEditText(text)
            else:
                if editor.findText(text) < 0:
                    editor.addItem(text)  # shown so it can be marked, never silently replaced
                editor.setCurrentIndex(editor.findText(text))
        elif isinstance(editor, _IntSpin):
            if isinstance(value, int | float) and not isinstance(value, bool):
                editor.setValue(int(min(max(value, -_SPIN_LIMIT), _SPIN_LIMIT)))
        elif isinstance(editor, QLineEdit):
            editor.setText(format_value(value))

    def _read(self, name: str) -> None:
        f, editor = self.fields[name], self._editors[name]
        if isinstance(editor, QCheckBox):
            raw: Any = editor.isChecked()
        elif isinstance(editor, QComboBox):
            raw = editor.currentText()
        elif isinstance(editor, _IntSpin):
            raw = editor.cleanText()
        else:
            raw = editor.text()
        try:
            self._values[name] = parse(f.param, raw)
        except FieldError as error:
            self._field_errors[name] = f"{f.label}: {error}"
        else:
            self._field_errors.pop(name, None)

    # ------------------------------------------------------------------------ handlers
    def _on_edited(self, name: str) -> None:
        if self._loading:
            return
        self._read(name)
        self._after_edit()
        self.changed.emit()

    def _on_advanced_toggled(self, visible: bool) -> None:
        if self._advanced_toggle is None or self._advanced_body is None:
            return
        arrow = Qt.ArrowType.DownArrow if visible else Qt.ArrowType.RightArrow
        self._advanced_toggle.setArrowType(arrow)
        self._advanced_body.setVisible(visible)

    def _after_edit(self) -> None:
        values = self.values()
        for name, f in self.fields.items():
            if f.enabled_if is not None:
                try:
                    enabled = bool(f.enabled_if(values))
                except Exception:  # a rule reading a missing value: leave the field usable
                    enabled = True
                self._editors[name].setEnabled(enabled)
        self._refresh_marks()

    def _refresh_marks(self) -> None:
        errors = self.errors()
        for name, editor in self._editors.items():
            message = errors.get(name)
            if bool(editor.property("invalid")) != bool(message):
                editor.setProperty("invalid", bool(message))
                editor.style().unpolish(editor)
                editor.style().polish(editor)
            help_text = self.fields[name].help
            editor.setToolTip(f"{message}\n\n{help_text}" if message else help_text)
        if any(self.fields[n].advanced for n in errors if n in self.fields):
            self.set_advanced_visible(True)  # never hide the field that blocks training
        valid = not errors
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)
