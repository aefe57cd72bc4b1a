"""The Models page's search panel: tick the settings of the run form to search, each with a
range (numbers) or a list of values (choices), or pick "Find the best model"; then the
budget, sampler and pruner, and Search.

Rows are made from the same ``FieldSpec``s as the run form, so each row knows its
parameter's type, bounds and log scale and starts from a range around the form's value.
Nothing is validated here beyond reading numbers: ``SearchPlan.from_tables`` checks the space
against the schema, as for an experiment file, and its message (naming
``search.space.<key>``) is shown and the row marked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.config import Param
from app.core.errors import ConfigError
from app.core.search import (
    DEFAULT_BUDGET_SECONDS,
    SEARCH_PARAMS,
    UNSEARCHABLE,
    SearchPlan,
    best_model_plan,
)
from app.gui.layouts import empty_layout
from app.gui.pages._models_fields import field_for
from app.gui.widgets._form_values import FieldError, format_value, parse
from app.gui.widgets.config_form import INVALID_STYLE, ConfigForm, FieldSpec

TICKED, BEST_MODEL = "Search the ticked settings", "Find the best model"
_DEFAULTS = {"trials": 10}
_NOT_SEARCHED = UNSEARCHABLE | {"name", "weights", "mixed_precision", "log_every"}


def default_range(param: Param, value: Any) -> dict[str, Any] | list[Any] | None:
    """Where a ticked row starts: a decade either way on a log scale, else the bounds or
    half to twice the value; every choice of a choice. ``None``: not searchable."""
    if param.type is bool:
        return [True, False]
    if param.choices:
        return list(param.choices)
    if param.type not in (int, float):
        return None
    value = value if isinstance(value, int | float) else param.default
    low, high = param.min, param.max
    if not isinstance(value, int | float) or value <= 0:  # unset or 0: from the bottom up
        start = low if low is not None else 0
        span = (start, high if high is not None and high <= 1 else start + 10)
    elif param.log:
        span = (value / 10, value * 10)
    elif param.type is float and low is not None and high is not None and high <= 1:
        span = (low, high)
    else:
        span = (value / 2, value * 2)
    lo = max(span[0], low) if low is not None else span[0]
    hi = min(span[1], high) if high is not None else span[1]
    if param.type is int:
        lo, hi = int(round(lo)), int(round(hi))
    return {"low": lo, "high": hi, "log": bool(param.log)}


class _Row:
    """One searchable setting: a tick, and low/high/log or a values list."""

    def __init__(self, key: str, spec: FieldSpec, value: Any, grid: QGridLayout, row: int):
        self.key, self.param = key, spec.param
        start = default_range(spec.param, value)
        self.tick = QCheckBox(spec.label)
        self.tick.setObjectName(f"search.{key}")
        self.tick.setToolTip(spec.help)
        grid.addWidget(self.tick, row, 0)
        self.edits: list[QWidget] = []
        if isinstance(start, dict):
            self.low, self.high = QLineEdit(format_value(start["low"])), QLineEdit(
                format_value(start["high"]))
            self.log = QCheckBox("log")
            self.log.setChecked(start["log"])
            self.edits = [self.low, self.high, self.log]
            for column, widget in enumerate(self.edits, start=1):
                grid.addWidget(widget, row, column)
        else:
            self.values = QLineEdit(", ".join(format_value(v).lower() if isinstance(v, bool)
                                              else format_value(v) for v in start or ()))
            self.edits = [self.values]
            grid.addWidget(self.values, row, 1, 1, 3)
        for edit in self.edits:
            edit.setEnabled(False)
            edit.setObjectName(f"search.{key}.edit")
        self.tick.toggled.connect(lambda on: [e.setEnabled(on) for e in self.edits])

    def table(self) -> dict[str, Any] | list[Any]:
        """The space entry as an experiment file writes it; ``FieldError`` for bad text."""
        if len(self.edits) == 3:
            low, high = (self._number(e.text()) for e in (self.low, self.high))
            return {"low": low, "high": high, "log": self.log.isChecked()}
        texts = [t.strip() for t in self.values.text().split(",") if t.strip()]
        if self.param.type is bool:
            return [t.lower() in ("true", "yes", "1", "on") for t in texts]
        return [parse(self.param, t) for t in texts]

    def _number(self, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise FieldError(f"{self.tick.text()}: {text!r} is not a number") from None
        return int(number) if self.param.type is int and number.is_integer() else number

    def mark(self, bad: bool) -> None:
        for edit in self.edits:
            edit.setProperty("invalid", bad)
            edit.style().unpolish(edit)
            edit.style().polish(edit)


class SearchPanel(QWidget):
    search_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(INVALID_STYLE)
        self.rows: dict[str, _Row] = {}
        self.toggle = QToolButton()
        self.toggle.setText("Search instead of one run")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.body = QGroupBox("Search")
        self.mode = QComboBox()
        self.mode.setObjectName("searchMode")
        self.mode.addItems([TICKED, BEST_MODEL])
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666;")
        self.rows_host = QWidget()
        self.grid = QGridLayout(self.rows_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        fields = [field_for(p, default=_DEFAULTS.get(p.name), group="Budget, sampler and pruner")
                  for p in SEARCH_PARAMS]
        self.settings_form = ConfigForm(fields)
        self.error_label = QLabel()
        self.error_label.setObjectName("searchErrors")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #B34700;")
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self.search_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error_label, 1)
        buttons.addWidget(self.search_button)
        layout = QVBoxLayout(self.body)
        for widget in (self.mode, self.hint, self.rows_host, self.settings_form):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.toggle)
        outer.addWidget(self.body)
        self.body.hide()
        self.toggle.toggled.connect(self._on_toggled)
        self.mode.currentTextChanged.connect(lambda _text: self._on_mode())
        self._on_mode()

    # ----------------------------------------------------------------------------- API
    def set_fields(self, groups: Iterable[tuple[str, Iterable[FieldSpec]]],
                   values: Mapping[str, Any]) -> None:
        """Rows for ``(prefix, fields)`` groups ("" for run settings, the option prefix for
        a model's options), starting from ``values`` (the form's, keyed like the rows)."""
        empty_layout(self.grid)
        self.rows = {}
        for prefix, fields in groups:
            for spec in fields:
                key = f"{prefix}{spec.name}"
                if spec.name in _NOT_SEARCHED or default_range(spec.param, None) is None:
                    continue
                self.rows[key] = _Row(key, spec, values.get(key), self.grid, len(self.rows))
        self.error_label.clear()

    def tick(self, key: str, on: bool = True, **entry: Any) -> None:
        """Tick ``key``'s row (and set low/high/log or values): what a person does by hand."""
        row = self.rows[key]
        row.tick.setChecked(on)
        for name, value in entry.items():
            if name == "values":
                row.values.setText(", ".join(format_value(v) for v in value))
            elif name == "log":
                row.log.setChecked(bool(value))
            else:
                getattr(row, name).setText(format_value(value))

    def best_model(self) -> bool:
        return self.mode.currentText() == BEST_MODEL

    def build_plan(self, name: str, values: Mapping[str, Any]) -> SearchPlan:
        """The search these settings describe over the run ``values``; ``ConfigError`` (also
        shown, its row marked) when anything is wrong."""
        for row in self.rows.values():
            row.mark(False)
        try:
            plan = self._plan(name, values)
        except (ConfigError, FieldError) as error:
            fields = getattr(error, "fields", ())
            for field in fields:
                row = self.rows.get(str(field).removeprefix("search.space."))
                if row is not None:
                    row.mark(True)
            self.error_label.setText(str(error))
            raise ConfigError(str(error), fields=tuple(fields)) from None
        self.error_label.clear()
        return plan

    # ------------------------------------------------------------------------- helpers
    def _plan(self, name: str, values: Mapping[str, Any]) -> SearchPlan:
        errors = self.settings_form.errors()
        if errors:
            raise ConfigError(next(iter(errors.values())))
        settings = {k: v for k, v in self.settings_form.values().items() if v is not None}
        where = "Models page search"
        if self.best_model():
            timeout = settings.pop("timeout", DEFAULT_BUDGET_SECONDS)
            return best_model_plan(name, values, timeout=timeout, where=where, **settings)
        space = {key: row.table() for key, row in self.rows.items() if row.tick.isChecked()}
        if not space:
            raise ConfigError("tick at least one setting to search (or pick \"Find the best "
                              "model\")", fields=("search.space",))
        return SearchPlan.from_tables(name, values, {**settings, "space": space}, where)

    def _on_toggled(self, visible: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if visible else Qt.ArrowType.RightArrow)
        self.body.setVisible(visible)

    def _on_mode(self) -> None:
        best = self.best_model()
        budget = self.settings_form.values()
        if best and budget.get("timeout") is None:  # the preset is a time budget
            self.settings_form.set_values({"trials": None, "timeout": DEFAULT_BUDGET_SECONDS})
        elif not best and budget.get("trials") is None and budget.get("timeout") is None:
            self.settings_form.set_values({"trials": _DEFAULTS["trials"]})
        self.rows_host.setVisible(not best)
        self.hint.setText(
            "Every architecture for this data (pretrained ones when installed), each with its "
            "learning rate, batch size and dropout; give the time budget in seconds below "
            f"(default {DEFAULT_BUDGET_SECONDS:g})." if best else
            "Tick the settings to vary and give each a range or a list of values; the "
            "other settings stay as in the form.")

