"""ConfigForm on its own: parsing, bounds, marks, signals; bad input never raises."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from app.core.config import Param
from app.core.palette import get_spec
from app.gui.pages._models_fields import option_fields
from app.gui.widgets.config_form import ConfigForm, FieldSpec


def _field(label: str, *args: object, group: str = "", advanced: bool = False,
           enabled_if=None, **rules: object) -> FieldSpec:  # noqa: ANN001
    param = Param(*args, **rules)
    return FieldSpec(param, label, default=param.default, group=group, advanced=advanced,
                     enabled_if=enabled_if)


FIELDS = [
    _field("Learning rate", "lr", 1e-3, float, "step size", min=0.0, max=10.0,
           exclusive_min=True, group="Training"),
    _field("Epochs", "epochs", 10, int, "passes", min=1, group="Training"),
    _field("Optimizer", "optimizer", "adam", str, "which", choices=("adam", "sgd"),
           group="Training"),
    _field("Mixed precision", "amp", True, bool, "cuda only", group="Run", advanced=True),
    _field("Image size", "size", None, int, "px", min=8, max=1024, optional=True, group="Run"),
    _field("Momentum", "momentum", 0.9, float, "sgd", min=0, max=1, group="Training",
           enabled_if=lambda v: v.get("optimizer") == "sgd"),
]


@pytest.fixture
def form(qtbot) -> ConfigForm:  # noqa: ANN001
    widget = ConfigForm(FIELDS)
    qtbot.addWidget(widget)
    return widget


def test_defaults_widgets_and_tooltips(form: ConfigForm) -> None:
    assert form.values() == {"lr": 1e-3, "epochs": 10, "optimizer": "adam", "amp": True,
                             "size": None, "momentum": 0.9}
    assert isinstance(form.editor("lr"), QLineEdit)
    assert isinstance(form.editor("optimizer"), QComboBox)
    assert isinstance(form.editor("amp"), QCheckBox)
    assert form.editor("epochs").toolTip() == "passes"
    assert not form.advanced_visible()
    assert not form.editor("momentum").isEnabled()
    form.editor("optimizer").setCurrentText("sgd")
    assert form.editor("momentum").isEnabled()


@pytest.mark.parametrize(("text", "expected"), [("1e-3", 1e-3), ("3E-4", 3e-4), (" 0.5 ", 0.5)])
def test_float_accepts_scientific_notation(qtbot, form: ConfigForm, text, expected) -> None:  # noqa: ANN001
    editor = form.editor("lr")
    editor.clear()
    qtbot.keyClicks(editor, text)
    assert form.errors() == {}
    assert form.values()["lr"] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["-1", "0", "abc", "1e999", "nan", "", "11"])
def test_bad_floats_are_marked_not_raised(qtbot, form: ConfigForm, text: str) -> None:  # noqa: ANN001
    with qtbot.waitSignal(form.validity_changed, check_params_cb=lambda ok: not ok):
        form.editor("lr").setText(text)
    assert "lr" in form.errors() and form.errors()["lr"].startswith("Learning rate:")
    assert "lr" not in form.values()  # never hands out a bad value
    assert form.editor("lr").property("invalid") is True
    with qtbot.waitSignal(form.validity_changed, check_params_cb=lambda ok: ok):
        form.editor("lr").setText("0.01")
    assert form.editor("lr").property("invalid") is False


def test_int_spin_accepts_out_of_range_to_mark_it(qtbot, form: ConfigForm) -> None:  # noqa: ANN001
    spin = form.editor("epochs")
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "0")
    assert form.errors()["epochs"] == "Epochs: must be at least 1"  # the Param's own words
    spin.setValue(1)
    spin.stepBy(-5)  # the arrows stay within the bounds
    assert spin.value() == 1 and form.is_valid()


def test_optional_and_tuple_fields(qtbot) -> None:  # noqa: ANN001
    form = ConfigForm(option_fields(get_spec("textcnn")) + [FIELDS[4]])
    qtbot.addWidget(form)
    assert form.values()["kernel_sizes"] == (3, 4, 5)
    form.editor("kernel_sizes").setText("2, 3;4 5")
    assert form.values()["kernel_sizes"] == (2, 3, 4, 5)
    form.editor("kernel_sizes").setText("3, x")
    assert "list of whole numbers" in form.errors()["kernel_sizes"]
    form.editor("kernel_sizes").setText("3, 40")  # the Param's bounds: 1..15 each
    assert form.errors()["kernel_sizes"] == (
        "Kernel sizes: must be a non-empty list of whole numbers, each between 1 and 15")
    form.editor("size").setText("64")
    assert form.values()["size"] == 64
    form.editor("size").setText("")
    assert form.values()["size"] is None


def test_set_values_does_not_emit_changed_and_external_errors_count(qtbot, form) -> None:  # noqa: ANN001
    changes: list[None] = []
    form.changed.connect(lambda: changes.append(None))
    form.set_values({"epochs": 5, "optimizer": "sgd", "unknown": 1})
    assert changes == [] and form.values()["epochs"] == 5
    form.set_values({"optimizer": "rmsprop"})  # shown and marked, never silently replaced
    assert form.editor("optimizer").currentText() == "rmsprop" and "optimizer" in form.errors()
    form.set_values({"optimizer": "adam"})
    with qtbot.waitSignal(form.validity_changed, check_params_cb=lambda ok: not ok):
        form.set_external_errors({"amp": "amp needs a GPU"})
    assert form.editor("amp").property("invalid") is True
    assert form.advanced_visible()  # an advanced field in error is never hidden
    form.set_external_errors({})
    assert form.is_valid()
