"""What augmentation does to a dataset, shown before training: a fixed set of training
images, decoded at a preview size, augmented with the given settings and a draw number.

The same images stay on screen while settings change (only the draw changes them), so the
eye compares like with like; "off" shows them unchanged. Decoded originals are memoised
for the last few (dataset, samples, size) sets, so redrawing costs only the augmentation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.core.augment._batch import augment_batch, draw_seed
from app.core.augment._settings import AugmentSettings
from app.core.datasets import Dataset, Split, default_channels, to_array
from app.core.errors import ConfigError, DatasetError

PREVIEW_COUNT = 12
PREVIEW_SIZE = 96


@dataclass(frozen=True)
class Preview:
    """``images`` uint8 ``N×C×H×W``; ``indices`` the dataset samples; ``labels`` their class
    names; ``augmented`` False when the settings change nothing (the originals)."""

    images: np.ndarray
    indices: tuple[int, ...]
    labels: tuple[str, ...]
    augmented: bool


def preview_indices(dataset: Dataset, count: int = PREVIEW_COUNT,
                    split: Split | None = None) -> tuple[int, ...]:
    """``count`` training samples taken in turn from each class (every class shows), in
    dataset order: the same set for the same data and split."""
    candidates = split.train if split is not None else range(len(dataset.labels))
    by_class: dict[int, list[int]] = {}
    for index in candidates:
        by_class.setdefault(dataset.labels[index], []).append(index)
    queues = [by_class[label] for label in sorted(by_class)]
    chosen: list[int] = []
    depth = 0
    while len(chosen) < count and any(depth < len(q) for q in queues):
        chosen.extend(q[depth] for q in queues if depth < len(q))
        depth += 1
    return tuple(chosen[:count])


def preview_images(dataset: Dataset, settings: AugmentSettings, *, draw: int = 0,
                   indices: Sequence[int] | None = None, size: int = PREVIEW_SIZE,
                   channels: int | None = None) -> Preview:
    """The preview grid's images. Imports torch: call it off the GUI thread."""
    import torch

    if dataset.kind != "image":
        raise ConfigError(f"augmentation previews need image data; {dataset.path} holds "
                          f"{dataset.kind} data")
    chosen = tuple(indices) if indices is not None else preview_indices(dataset)
    channels = channels or default_channels(dataset)
    originals = _decoded(dataset, chosen, size, channels)
    labels = tuple(dataset.class_names[dataset.labels[i]] for i in chosen)
    if not settings.active or not chosen:
        return Preview(originals, chosen, labels, augmented=False)
    generator = torch.Generator().manual_seed(draw_seed(draw, 0, 0))
    augmented = augment_batch(torch.tensor(originals), settings, generator)  # copies the cache
    images = augmented.round().clamp(0, 255).to(torch.uint8).numpy()
    return Preview(images, chosen, labels, augmented=True)


@lru_cache(maxsize=3)
def _decoded(dataset: Dataset, chosen: tuple[int, ...], size: int, channels: int) -> np.ndarray:
    """The originals, read-only (they are shared by every later draw)."""
    files = dataset.files or ()
    arrays = np.zeros((len(chosen), channels, size, size), dtype=np.uint8)
    for row, index in enumerate(chosen):
        try:
            arrays[row] = to_array(files[index], size, channels)
        except Exception as error:
            raise DatasetError(f"cannot decode {files[index]} for the preview ({error}); "
                               "reload the dataset") from None
    arrays.setflags(write=False)
    return arrays
