"""The registry, the specs' data, lazy torch import and seeded determinism."""

import subprocess
import sys
from pathlib import Path

import pytest

from app.core.errors import ConfigError
from app.core.palette import ArchitectureSpec, default_model, get_spec, list_specs

ROOT = Path(__file__).resolve().parents[3]
ALL_NAMES = [
    "mlp",
    "lenet5",
    "small_cnn",
    "resnet18",
    "mobilenet_v3_small",
    "efficientnet_lite0",
    "bag_of_embeddings",
    "textcnn",
    "bilstm",
    "transformer",
    "minilm",
]


def test_listing_and_kinds() -> None:
    assert [s.name for s in list_specs()] == ALL_NAMES
    assert [s.name for s in list_specs("image")] == ALL_NAMES[:6]
    assert [s.name for s in list_specs("text")] == ALL_NAMES[6:]
    with pytest.raises(ConfigError, match="unknown data kind 'audio'"):
        list_specs("audio")


def test_get_spec_is_forgiving_about_spelling_of_the_name() -> None:
    assert get_spec("ResNet18").name == "resnet18"
    assert get_spec(" mobilenet-v3-small ").name == "mobilenet_v3_small"


def test_unknown_model_message_lists_every_name() -> None:
    with pytest.raises(ConfigError) as caught:
        get_spec("foo")
    assert str(caught.value) == f"unknown model 'foo'; choose one of: {', '.join(ALL_NAMES)}"


def test_default_models() -> None:
    assert default_model("image") == "small_cnn"
    assert default_model("text") == "textcnn"
    with pytest.raises(ConfigError):
        default_model("video")


@pytest.mark.parametrize("spec", list_specs(), ids=lambda s: s.name)
def test_spec_data_is_complete(spec: ArchitectureSpec) -> None:
    defaults = spec.training_defaults
    assert set(defaults) == {"epochs", "batch_size", "optimizer", "lr"}
    assert defaults["optimizer"] in {"adam", "adamw", "sgd"}
    assert 0 < defaults["lr"] < 1 and defaults["epochs"] >= 1 and defaults["batch_size"] >= 1
    assert spec.head and spec.description and spec.input_size >= spec.min_input_size
    with pytest.raises(TypeError):
        spec.training_defaults["lr"] = 1.0  # type: ignore[index]
    assert spec.options_with_defaults() == {p.name: p.default for p in spec.hyperparams}


def test_transformer_position_table_defaults_to_input_size() -> None:
    spec = get_spec("transformer")
    assert spec.hyperparam("max_length").default == spec.input_size == 64


def test_listing_the_palette_does_not_import_torch() -> None:
    code = (
        "import app.core.palette as p; p.list_specs(); s = p.get_spec('resnet18'); "
        "s.options_with_defaults({}); p.default_model('text'); "
        "import sys; assert 'torch' not in sys.modules, 'torch was imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("spec", list_specs(), ids=lambda s: s.name)
def test_seeded_build_is_deterministic(spec: ArchitectureSpec) -> None:
    import torch

    def build() -> dict:
        torch.manual_seed(1234)
        return spec.build(
            3, in_channels=1, image_size=spec.min_input_size * 2, vocab_size=30
        ).state_dict()

    first, second = build(), build()
    assert first.keys() == second.keys()
    assert all(torch.equal(first[k], second[k]) for k in first)
