"""HyperParam validation and the option handling of ArchitectureSpec (no model is built)."""

import pytest

from app.core.errors import ConfigError
from app.core.palette import HyperParam, get_spec


def test_float_option_accepts_int_and_returns_float() -> None:
    param = HyperParam("dropout", 0.5, float, "drop", min=0.0, max=0.9)
    value = param.validate(0)
    assert value == 0.0 and isinstance(value, float)


def test_int_option_accepts_integral_float_only() -> None:
    param = HyperParam("width", 32, int, "w", min=8, max=256)
    assert param.validate(64.0) == 64 and isinstance(param.validate(64.0), int)
    with pytest.raises(ConfigError, match=r"'width' must be a whole number, got 64.5"):
        param.validate(64.5)


@pytest.mark.parametrize("value", [True, "3", None])
def test_number_option_rejects_non_numbers(value: object) -> None:
    param = HyperParam("lr", 0.1, float, "lr", min=0.0)
    with pytest.raises(ConfigError, match="'lr' must be a number"):
        param.validate(value)


def test_bounds_message_names_model_option_range_and_value() -> None:
    with pytest.raises(ConfigError) as caught:
        get_spec("textcnn").build(2, vocab_size=50, dropout=1.5)
    assert str(caught.value) == "model 'textcnn': 'dropout' must be between 0 and 0.9, got 1.5"


def test_one_sided_bounds() -> None:
    low = HyperParam("n", 1, int, "n", min=1)
    high = HyperParam("m", 1, int, "m", max=4)
    with pytest.raises(ConfigError, match="'n' must be at least 1, got 0"):
        low.validate(0)
    with pytest.raises(ConfigError, match="'m' must be at most 4, got 5"):
        high.validate(5)


def test_tuple_option_takes_lists_and_checks_every_element() -> None:
    param = HyperParam("kernel_sizes", (3, 4, 5), tuple, "k", min=1, max=15)
    assert param.validate([2, 3.0]) == (2, 3)
    with pytest.raises(ConfigError, match=r"each between 1 and 15, got \[3, 20\]"):
        param.validate([3, 20])
    with pytest.raises(ConfigError, match=r"each between 1 and 15, got \(0, 1\)"):
        param.validate((0, 1))
    for bad in ([], "345", 3, [1.5]):
        with pytest.raises(ConfigError, match="'kernel_sizes' must be"):
            param.validate(bad)


def test_choice_is_case_insensitive_and_lists_choices() -> None:
    param = HyperParam("cell", "lstm", str, "c", choices=("lstm", "gru"))
    assert param.validate("GRU") == "gru"
    with pytest.raises(ConfigError, match="'cell' must be one of 'lstm', 'gru', got 'rnn'"):
        param.validate("rnn")


def test_bool_option_rejects_ints() -> None:
    param = HyperParam("flag", False, bool, "f")
    assert param.validate(True) is True
    with pytest.raises(ConfigError, match="must be true or false"):
        param.validate(1)


def test_invalid_default_fails_when_the_spec_is_defined() -> None:
    with pytest.raises(ConfigError):
        HyperParam("dropout", 2.0, float, "d", min=0.0, max=0.9)


def test_unknown_option_lists_valid_ones() -> None:
    spec = get_spec("textcnn")
    with pytest.raises(ConfigError) as caught:
        spec.options_with_defaults({"filters": 10})
    assert str(caught.value) == (
        "model 'textcnn' has no option 'filters'; valid options: "
        "embed_dim, kernel_sizes, num_filters, dropout"
    )
    with pytest.raises(ConfigError, match="has no option 'depth'"):
        get_spec("lenet5").build(10, depth=3)


def test_options_with_defaults_fills_and_coerces() -> None:
    options = get_spec("bilstm").options_with_defaults({"cell": "GRU", "hidden_size": 64.0})
    assert options == {
        "embed_dim": 64,
        "cell": "gru",
        "hidden_size": 64,
        "num_layers": 1,
        "pooling": "last",
        "dropout": 0.3,
    }
    assert get_spec("mlp").options_with_defaults(None) == {
        "hidden_sizes": (256, 128),
        "dropout": 0.2,
    }


def test_build_arguments_are_checked() -> None:
    with pytest.raises(ConfigError, match="num_classes must be a whole number at least 2, got 1"):
        get_spec("mlp").build(1)
    with pytest.raises(ConfigError, match="in_channels must be"):
        get_spec("mlp").build(3, in_channels=0)
    with pytest.raises(ConfigError, match="image_size must be a whole number between 16 and"):
        get_spec("lenet5").build(3, image_size=12)
    with pytest.raises(ConfigError, match="'bilstm' needs the vocabulary size"):
        get_spec("bilstm").build(3)
    with pytest.raises(ConfigError, match="vocab_size must be"):
        get_spec("bilstm").build(3, vocab_size=1)
