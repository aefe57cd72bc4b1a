"""What the label check's classifier reads: a frozen pretrained backbone's features, or a
simple stand-in where no backbone is installed.

Out-of-sample probabilities need a model per fold; training five networks would take minutes.
A frozen backbone's features are computed once (and cached beside the catalog by the runs'
feature cache, shared with head-only training runs at the same image size), and each fold
then fits only a linear head on them. EfficientNet-Lite0 reads images (a default
dependency), all-MiniLM-L6-v2 texts (the ``pretrained`` extra). Without them: TF-IDF of words
and word pairs for texts, 16×16 grey pixels for images, which still catch gross mistakes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.datasets import (
    Dataset,
    DecodedCache,
    prepare_data,
    split_dataset,
)
from app.core.palette import get_spec, load_packaged_weights, packaged_preprocessing
from app.core.runs import with_cached_features

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; may raise to cancel."""

IMAGE_BACKBONE, TEXT_BACKBONE = "efficientnet_lite0", "minilm"
FALLBACK_PIXELS = 16
CHECK_IMAGE_SIZE = 128
"""Images go through the backbone at 128 px, a third of 224 px's pixels: on the bundled
shapes with 5 % flipped labels 96 px found 93 % of them and 224 px 97 %, both with no false
alarm, but 224 px costs minutes for ten thousand images on a laptop CPU."""
MAX_TEXT_TOKENS = 128


@dataclass(frozen=True)
class Features:
    """One row per sample, in dataset order (a dense array, or a sparse TF-IDF matrix)."""

    matrix: Any
    method: str
    pretrained: bool


def pretrained_backbone(kind: str) -> str | None:
    """The palette entry whose frozen features the check uses for ``kind``, if installed."""
    spec = get_spec(IMAGE_BACKBONE if kind == "image" else TEXT_BACKBONE)
    return spec.name if spec.pretrained is not None and spec.pretrained.available else None


def sample_features(dataset: Dataset, *, pretrained: bool | None = None,
                    image_size: int = CHECK_IMAGE_SIZE, cache_dir: Path | None = None,
                    device: str = "cpu", progress: Progress | None = None) -> Features:
    """Features of every sample; ``pretrained=None`` uses a backbone when one is installed,
    ``False`` the simple stand-in, ``True`` insists on the backbone."""
    backbone = pretrained_backbone(dataset.kind)
    wanted = get_spec(IMAGE_BACKBONE if dataset.kind == "image" else TEXT_BACKBONE)
    if pretrained and backbone is None:
        from app.core.errors import ConfigError

        raise ConfigError(f"the {wanted.name} backbone is not installed; "
                          f"{wanted.pretrained.install_hint()}")
    if backbone is not None and pretrained is not False:
        return _backbone_features(dataset, backbone, image_size, cache_dir, device, progress)
    why = "asked for" if backbone is not None else (
        f"{wanted.name} is not installed; {wanted.pretrained.install_hint()}")
    if dataset.kind == "text":
        return _tfidf(dataset, why)
    return _pixels(dataset, cache_dir, why)


def _backbone_features(dataset: Dataset, name: str, image_size: int, cache_dir: Path | None,
                       device: str, progress: Progress | None) -> Features:
    import numpy as np
    import torch

    from app.core.engine import resolve_device

    spec = get_spec(name)
    preprocessing = packaged_preprocessing(spec, image_size, MAX_TEXT_TOKENS)
    whole = split_dataset(dataset, 0.0, 0.0, 0)
    data = prepare_data(dataset, whole, preprocessing=preprocessing,
                        decoded_cache=DecodedCache(cache_dir) if cache_dir else None)
    torch.manual_seed(0)
    if dataset.kind == "image":
        model = spec.build(len(dataset.class_names), in_channels=3, image_size=image_size,
                           dropout=0.0)
    else:
        model = spec.build(len(dataset.class_names), vocab_size=data.vocab_size, dropout=0.0)
    load_packaged_weights(model, spec)
    model.requires_grad_(False)

    def on_batch(done: int, total: int) -> None:
        if progress is not None:
            progress("features", done, total)

    outcome = with_cached_features(data, model, resolve_device(device), dataset.fingerprint,
                                   cache_dir, on_batch=on_batch)
    rows = outcome.data.train
    matrix = np.zeros((len(dataset), rows.inputs.shape[1]), dtype=np.float32)
    matrix[rows.indices.numpy()] = rows.inputs.numpy()
    where = {"computed": "computed", "memory": "reused", "file": "read from the cache"}
    size = f" at {image_size} px" if dataset.kind == "image" else ""
    return Features(matrix, f"frozen {name} features{size} ({where[outcome.source]}) + "
                    "logistic regression per fold", pretrained=True)


def _tfidf(dataset: Dataset, why: str) -> Features:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                 max_features=50_000)
    matrix = vectorizer.fit_transform(dataset.texts or ())
    return Features(matrix, "TF-IDF of words and word pairs + logistic regression per fold "
                    f"({why})", pretrained=False)


def _pixels(dataset: Dataset, cache_dir: Path | None, why: str) -> Features:
    whole = split_dataset(dataset, 0.0, 0.0, 0)
    data = prepare_data(dataset, whole, image_size=FALLBACK_PIXELS, channels=1,
                        decoded_cache=DecodedCache(cache_dir) if cache_dir else None)
    import numpy as np

    rows = data.train
    matrix = np.zeros((len(dataset), FALLBACK_PIXELS * FALLBACK_PIXELS), dtype=np.float32)
    matrix[rows.indices.numpy()] = rows.inputs[:].reshape(len(rows), -1).numpy() / 255.0
    return Features(matrix, f"{FALLBACK_PIXELS}×{FALLBACK_PIXELS} grey pixels + logistic "
                    f"regression per fold ({why})", pretrained=False)
