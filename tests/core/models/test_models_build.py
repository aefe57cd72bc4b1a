"""resolve_build_options: the options a model is built (and stored) with. A transformer's
position table must cover the texts as they are cut, or the first long text crashes it, so
it is sized from the preprocessing unless the user sized it."""

from __future__ import annotations

import pytest

from app.core.datasets import ImagePreprocessing, TextPreprocessing, Vocabulary
from app.core.errors import ConfigError
from app.core.models import ModelBundle, build_model, resolve_build_options
from app.core.palette import get_spec

TEXT = TextPreprocessing(Vocabulary(["<pad>", "<unk>", "rain", "goal"]), max_length=12)


def test_the_position_table_follows_the_preprocessing() -> None:
    spec = get_spec("transformer")
    options = resolve_build_options(spec, {"d_model": 16, "num_heads": 2}, TEXT)

    assert options["max_length"] == 12
    assert options == {**spec.options_with_defaults({"d_model": 16, "num_heads": 2}),
                       "max_length": 12}
    model = build_model(ModelBundle("transformer", options, ("a", "b"), TEXT))
    assert model.positions.weight.shape[0] == 12


def test_a_position_table_the_user_sized_is_kept() -> None:
    options = resolve_build_options(get_spec("transformer"), {"max_length": 40}, TEXT)
    assert options["max_length"] == 40


def test_models_without_a_position_table_get_none() -> None:
    boe = resolve_build_options(get_spec("bag_of_embeddings"), {}, TEXT)
    image = resolve_build_options(get_spec("lenet5"), {},
                                  ImagePreprocessing(16, 1, (0.5,), (0.2,)))

    assert "max_length" not in boe and "max_length" not in image
    assert boe == get_spec("bag_of_embeddings").options_with_defaults({})


def test_unknown_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="warp_factor"):
        resolve_build_options(get_spec("transformer"), {"warp_factor": 9}, TEXT)
