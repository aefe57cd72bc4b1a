"""``Param``: the one parameter type of run settings and architecture options."""

import pytest

from app.core.config import ColumnRef, InvalidValue, Param
from app.core.errors import ConfigError
from app.core.palette import get_spec


def test_float_accepts_int_and_returns_float() -> None:
    param = Param("dropout", 0.5, float, "drop", min=0.0, max=0.9)
    value = param.validate(0)
    assert value == 0.0 and isinstance(value, float)


def test_int_accepts_integral_float_only() -> None:
    param = Param("width", 32, int, "w", min=8, max=256)
    assert param.validate(64.0) == 64 and isinstance(param.validate(64.0), int)
    with pytest.raises(ConfigError, match=r"'width' must be a whole number, got 64.5"):
        param.validate(64.5)


@pytest.mark.parametrize("value", [True, "3", None, float("nan"), float("inf")])
def test_number_rejects_non_numbers(value: object) -> None:
    param = Param("lr", 0.1, float, "lr", min=0.0)
    with pytest.raises(ConfigError, match="'lr' must be"):
        param.validate(value)


def test_the_error_names_its_field_and_requirement() -> None:
    with pytest.raises(InvalidValue) as caught:
        Param("lr", 0.1, float, "lr", min=0.0, max=10.0, exclusive_min=True).validate(0,
                                                                                     where="x")
    assert caught.value.fields == ("lr",) and caught.value.field == "lr"
    assert caught.value.requirement == "greater than 0 and at most 10"
    assert str(caught.value) == "x: 'lr' must be greater than 0 and at most 10, got 0"
    prefixed = caught.value.prefixed("file.toml")
    assert isinstance(prefixed, InvalidValue) and prefixed.requirement == caught.value.requirement
    assert str(prefixed).startswith("file.toml: x: ")


def test_bounds_message_names_model_option_range_and_value() -> None:
    with pytest.raises(ConfigError) as caught:
        get_spec("textcnn").build(2, vocab_size=50, dropout=1.5)
    assert str(caught.value) == "model 'textcnn': 'dropout' must be between 0 and 0.9, got 1.5"
    assert caught.value.fields == ("model_options.dropout",)


def test_one_sided_bounds() -> None:
    low = Param("n", 1, int, "n", min=1)
    high = Param("m", 1, int, "m", max=4)
    with pytest.raises(ConfigError, match="'n' must be at least 1, got 0"):
        low.validate(0)
    with pytest.raises(ConfigError, match="'m' must be at most 4, got 5"):
        high.validate(5)


def test_tuple_takes_lists_and_checks_every_element() -> None:
    param = Param("kernel_sizes", (3, 4, 5), tuple, "k", min=1, max=15)
    assert param.validate([2, 3.0]) == (2, 3)
    with pytest.raises(ConfigError, match=r"each between 1 and 15, got \[3, 20\]"):
        param.validate([3, 20])
    with pytest.raises(ConfigError, match=r"each between 1 and 15, got \(0, 1\)"):
        param.validate((0, 1))
    for bad in ([], "345", 3, [1.5]):
        with pytest.raises(ConfigError, match="'kernel_sizes' must be"):
            param.validate(bad)


def test_choice_is_case_insensitive_and_lists_choices() -> None:
    param = Param("cell", "lstm", str, "c", choices=("lstm", "gru"))
    assert param.validate(" GRU ") == "gru"
    with pytest.raises(ConfigError, match="'cell' must be one of 'lstm', 'gru', got 'rnn'"):
        param.validate("rnn")


def test_pattern_text_is_matched_whole_and_lower_cased() -> None:
    param = Param("device", "cpu", str, "d", pattern=r"cpu|cuda(:\d+)?",
                  pattern_help="cpu or cuda[:N]")
    assert param.validate("CUDA:1") == "cuda:1"
    with pytest.raises(ConfigError, match="'device' must be cpu or cuda\\[:N\\], got 'cuda1'"):
        param.validate("cuda1")


def test_bool_rejects_ints() -> None:
    param = Param("flag", False, bool, "f")
    assert param.validate(True) is True
    with pytest.raises(ConfigError, match="must be true or false"):
        param.validate(1)


def test_optional_takes_none_or_empty_text() -> None:
    param = Param("size", None, int, "s", min=8, optional=True)
    assert param.validate(None) is None and param.validate("  ") is None
    with pytest.raises(ConfigError, match="'size' must be given a value"):
        Param("size", 8, int, "s").validate(None)


def test_columns_and_tables() -> None:
    column = Param("label_column", None, ColumnRef, "c", optional=True)
    assert column.validate(" label ") == "label" and column.validate(2) == 2
    with pytest.raises(ConfigError, match="a column name or 0-based index"):
        column.validate(True)
    table = Param("model_options", {}, dict, "t")
    assert table.validate({"a": 1}) == {"a": 1}
    with pytest.raises(ConfigError, match="must be a table of options"):
        table.validate([1])


def test_invalid_default_or_type_fails_when_defined() -> None:
    with pytest.raises(ConfigError):
        Param("dropout", 2.0, float, "d", min=0.0, max=0.9)
    with pytest.raises(TypeError):
        Param("x", 1, complex, "x")
    with pytest.raises(TypeError):
        Param("x", 1, int, "x", choices=("1",))
