"""``prepare_data``: a dataset and a split become in-memory tensors a model can train on.

Everything an epoch needs is materialised once (decoded uint8 images or int64 token ids),
so the training loop only indexes tensors. Statistics and the vocabulary come from the
training split alone, never from val/test, so evaluation scores are honest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.core.datasets._image_cache import decoded_images, default_channels
from app.core.datasets._records import Dataset, Kind
from app.core.datasets._split import Split
from app.core.datasets._tensors import channel_stats, encode_texts, normalize, stats_tensors
from app.core.datasets._vocab import Vocabulary, tokenize
from app.core.errors import ConfigError

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class TensorSplit:
    """One part of a split: stored inputs, int64 labels, int64 dataset sample indices."""

    inputs: torch.Tensor
    labels: torch.Tensor
    indices: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])


@dataclass(frozen=True)
class PreparedData:
    """Train/val/test tensors plus what inference needs to reproduce the preprocessing."""

    kind: Kind
    class_names: tuple[str, ...]
    train: TensorSplit
    val: TensorSplit
    test: TensorSplit
    preprocessing: dict[str, Any]
    vocab_size: int | None
    in_channels: int | None
    image_size: int | None
    _device_stats: dict[str, tuple[torch.Tensor, torch.Tensor]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def num_classes(self) -> int:
        """Number of classes the model must output."""
        return len(self.class_names)

    def to_model_input(self, batch: torch.Tensor) -> torch.Tensor:
        """Stored inputs → model inputs: normalised float images; token ids unchanged."""
        if self.kind == "text":
            return batch
        key = str(batch.device)
        stats = self._device_stats.get(key)
        if stats is None:
            stats = stats_tensors(
                self.preprocessing["mean"], self.preprocessing["std"], batch.device
            )
            self._device_stats[key] = stats
        return normalize(batch, *stats)


def prepare_data(dataset: Dataset, split: Split, *, image_size: int,
                 channels: int | None = None, max_length: int = 64, min_freq: int = 1,
                 max_vocab: int = 20000) -> PreparedData:
    """Build tensors for ``split``; images are decoded once per (content, size, channels)."""
    _check_split(dataset, split)
    if dataset.kind == "image":
        return _prepare_images(dataset, split, image_size, channels)
    return _prepare_texts(dataset, split, max_length, min_freq, max_vocab)


def _prepare_images(dataset: Dataset, split: Split, size: int,
                    channels: int | None) -> PreparedData:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ConfigError(f"image_size must be a positive integer; got {size!r}")
    if channels not in (None, 1, 3):
        raise ConfigError(f"channels must be 1 or 3; got {channels!r}")
    channels = channels or default_channels(dataset)
    images = decoded_images(dataset, size, channels)
    parts = _parts(dataset, split, images)
    mean, std = channel_stats(parts[0].inputs)
    preprocessing = {
        "kind": "image", "image_size": size, "channels": channels, "mean": mean, "std": std,
    }
    return PreparedData("image", dataset.class_names, *parts, preprocessing=preprocessing,
                        vocab_size=None, in_channels=channels, image_size=size)


def _prepare_texts(dataset: Dataset, split: Split, max_length: int, min_freq: int,
                   max_vocab: int) -> PreparedData:
    for name, value, least in (("max_length", max_length, 1), ("min_freq", min_freq, 1),
                               ("max_vocab", max_vocab, 2)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(f"{name} must be an integer of at least {least}; got {value!r}")
    texts = dataset.texts or ()
    vocab = Vocabulary.build((tokenize(texts[i]) for i in split.train), min_freq, max_vocab)
    ids = encode_texts(vocab, texts, max_length)
    preprocessing = {
        "kind": "text", "max_length": max_length, "vocab": vocab.to_dict(), "lowercase": True,
    }
    return PreparedData("text", dataset.class_names, *_parts(dataset, split, ids),
                        preprocessing=preprocessing, vocab_size=len(vocab), in_channels=None,
                        image_size=None)


def _parts(dataset: Dataset, split: Split,
           inputs: torch.Tensor) -> tuple[TensorSplit, TensorSplit, TensorSplit]:
    import torch

    labels = torch.tensor(dataset.labels, dtype=torch.int64)
    parts = []
    for indices in (split.train, split.val, split.test):
        index = torch.tensor(indices, dtype=torch.int64)
        parts.append(TensorSplit(inputs[index], labels[index], index))
    return parts[0], parts[1], parts[2]


def _check_split(dataset: Dataset, split: Split) -> None:
    everything = (*split.train, *split.val, *split.test)
    if any(not 0 <= i < len(dataset) for i in everything):
        raise ConfigError("the split does not belong to this dataset (index out of range)")
    if not split.train:
        raise ConfigError("the split has no training samples")
