"""A tiny bundle of every palette architecture, with weights pushed off their initial values
(a freshly initialised model's near-uniform probabilities would hide a wrong graph)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from PIL import Image
from torch import nn

from app.core.datasets import ImagePreprocessing, TextPreprocessing, Vocabulary
from app.core.models import ModelBundle, build_model, resolve_build_options
from app.core.palette import get_spec
from app.core.palette._packaged import packaged_preprocessing
from tests.core.models.bundles import trained_like

WORDS = ("rain", "cloud", "goal", "match", "oven", "bake", "the", "a", "storm", "team",
         "garlic", "very", "today", "sunny", "coach", "spice")
CLASSES = ("cooking", "sports", "weather")
IMAGE_SIZE, MAX_LENGTH = 16, 12

# Small but real widths, so each exports and checks in seconds on one CPU.
TINY_OPTIONS: dict[str, dict[str, Any]] = {
    "mlp": {"hidden_sizes": (32, 16)},
    "lenet5": {},
    "small_cnn": {"width": 8},
    "resnet18": {},
    "mobilenet_v3_small": {"width_mult": 0.25},
    "efficientnet_lite0": {},
    "bag_of_embeddings": {"embed_dim": 16},
    "textcnn": {"embed_dim": 16, "num_filters": 8},
    "bilstm": {"embed_dim": 16, "hidden_size": 16, "num_layers": 2},
    "transformer": {"d_model": 16, "num_heads": 2, "num_layers": 2, "ff_dim": 32},
    "minilm": {},
}
PRETRAINED = ("efficientnet_lite0", "minilm")


def tiny_bundle(architecture: str, **options: Any) -> ModelBundle:
    spec = get_spec(architecture)
    size = 32 if architecture == "efficientnet_lite0" else IMAGE_SIZE
    pre = packaged_preprocessing(spec, size, MAX_LENGTH)
    if pre is None and spec.kind == "image":
        pre = ImagePreprocessing(size, 3, (0.5, 0.4, 0.3), (0.25, 0.2, 0.3))
    elif pre is None:
        pre = TextPreprocessing(Vocabulary(["<pad>", "<unk>", *WORDS]), max_length=MAX_LENGTH)
    chosen = {**TINY_OPTIONS[architecture], **options}
    return ModelBundle(architecture=architecture, class_names=CLASSES, preprocessing=pre,
                       build_options=resolve_build_options(spec, chosen, pre),
                       dataset_fingerprint="f" * 64, run_uid="c" * 32)


def tiny_model(bundle: ModelBundle) -> nn.Module:
    """Pretrained entries keep their packaged backbone (a random head is enough); the others
    get every weight moved by noise."""
    if bundle.architecture in PRETRAINED:
        return build_model(bundle).eval()
    return trained_like(bundle)


def sample_items(bundle: ModelBundle, count: int = 40, seed: int = 0) -> list[Any]:
    """PIL images of other sizes than the model's (so resizing is exercised), or texts of
    1 to 14 words (some longer than ``max_length``, some with unknown words)."""
    if bundle.kind == "image":
        rng = np.random.default_rng(seed)
        return [Image.fromarray(rng.integers(0, 256, (20, 24, 3), dtype=np.uint8))
                for _ in range(count)]
    pick = random.Random(seed)
    words = (*WORDS, "unheard", "zebra")
    return [" ".join(pick.choices(words, k=pick.randint(1, 14))) for _ in range(count)]
