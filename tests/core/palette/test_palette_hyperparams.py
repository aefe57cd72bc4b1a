"""The option handling of ArchitectureSpec (no model is built); ``Param`` itself is tested in
tests/core/config."""

import pytest

from app.core.errors import ConfigError
from app.core.palette import get_spec


def test_unknown_option_lists_valid_ones() -> None:
    spec = get_spec("textcnn")
    with pytest.raises(ConfigError) as caught:
        spec.options_with_defaults({"filters": 10})
    assert str(caught.value) == (
        "model 'textcnn' has no option 'filters'; valid options: "
        "embed_dim, kernel_sizes, num_filters, dropout"
    )
    with pytest.raises(ConfigError, match="has no option 'depth'") as caught:
        get_spec("lenet5").build(10, depth=3)
    assert caught.value.fields == ("model_options.depth",)


def test_options_are_grouped_under_their_architecture() -> None:
    assert {p.group for p in get_spec("textcnn").hyperparams} == {"textcnn"}


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
