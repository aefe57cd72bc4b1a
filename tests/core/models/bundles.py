"""Tiny real bundles for model tests: a transformer over a small vocabulary and a small CNN
over 16-pixel RGB images, built through ``build_model`` and pushed off their initial weights
(buffers included) so a round trip that silently re-initialised would be caught."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from app.core.datasets import ImagePreprocessing, TextPreprocessing, Vocabulary
from app.core.models import ModelBundle, build_model, resolve_build_options
from app.core.palette import get_spec

WORDS = ("rain", "cloud", "goal", "match", "oven", "bake", "the", "a")
CLASSES = ("cooking", "sports", "weather")


def text_bundle(**options: Any) -> ModelBundle:
    preprocessing = TextPreprocessing(Vocabulary(["<pad>", "<unk>", *WORDS]), max_length=10)
    chosen = {"d_model": 16, "num_heads": 2, "num_layers": 1, "ff_dim": 32, **options}
    spec = get_spec("transformer")
    return ModelBundle(architecture=spec.name, class_names=CLASSES, preprocessing=preprocessing,
                       build_options=resolve_build_options(spec, chosen, preprocessing),
                       dataset_fingerprint="f" * 64, run_uid="a" * 32)


def image_bundle(**options: Any) -> ModelBundle:
    preprocessing = ImagePreprocessing(16, 3, (0.5, 0.4, 0.3), (0.25, 0.2, 0.3))
    spec = get_spec("small_cnn")
    return ModelBundle(architecture=spec.name, class_names=CLASSES[:2],
                       preprocessing=preprocessing,
                       build_options=resolve_build_options(spec, {"width": 8, **options},
                                                           preprocessing),
                       dataset_fingerprint="e" * 64, run_uid="b" * 32)


BUNDLES = {"text": text_bundle, "image": image_bundle}


def trained_like(bundle: ModelBundle, seed: int = 0) -> nn.Module:
    """``build_model(bundle)`` in eval mode, every parameter and float buffer moved by noise."""
    torch.manual_seed(seed)
    model = build_model(bundle)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.5)
        for buffer in model.buffers():  # batch-norm statistics; variances stay positive
            if buffer.is_floating_point():
                buffer.add_(torch.rand_like(buffer) * 0.5)
    return model.eval()


def batch(bundle: ModelBundle, size: int = 5) -> torch.Tensor:
    """Inputs of the bundle's kind: token ids (some padding) or normalised images."""
    generator = torch.Generator().manual_seed(1)
    pre = bundle.preprocessing
    if isinstance(pre, TextPreprocessing):
        ids = torch.randint(2, len(pre.vocabulary), (size, pre.max_length), generator=generator)
        ids[:, 6:] = 0
        return ids
    return torch.randn(size, pre.channels, pre.image_size, pre.image_size, generator=generator)


def same_state(a: Mapping[str, torch.Tensor], b: Mapping[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
