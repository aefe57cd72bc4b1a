"""``prepare_data``: a dataset and a split become in-memory tensors a model can train on.

Everything an epoch needs is materialised once (decoded uint8 images or int64 token ids),
so the training loop only indexes tensors. Statistics and the vocabulary come from the
training split alone, never from val/test, so evaluation scores are honest; or from the
preprocessing a caller hands in (a parent run's), so a fine-tuned model sees inputs encoded
as its parent did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.core.datasets._decoded_store import DecodedCache
from app.core.datasets._image_cache import decode_images, default_channels
from app.core.datasets._names import shown
from app.core.datasets._preprocessing import ImagePreprocessing, Preprocessing, TextPreprocessing
from app.core.datasets._records import Dataset, Kind
from app.core.datasets._rows import Rows
from app.core.datasets._split import Split
from app.core.datasets._subword import SubwordPreprocessing
from app.core.datasets._tensors import channel_stats, encode_texts, normalize, stats_tensors
from app.core.datasets._vocab import Vocabulary, tokenize
from app.core.errors import ConfigError

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class TensorSplit:
    """One part of a split: stored inputs, int64 labels, int64 dataset sample indices.

    ``inputs`` is ``Rows`` (read on demand) when the decoded images are memory-mapped."""

    inputs: torch.Tensor | Rows
    labels: torch.Tensor
    indices: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])


@dataclass(frozen=True)
class PreparedData:
    """Train/val/test tensors plus the preprocessing that made them."""

    kind: Kind
    class_names: tuple[str, ...]
    train: TensorSplit
    val: TensorSplit
    test: TensorSplit
    preprocessing: Preprocessing
    features: bool = False
    """The inputs are a frozen backbone's cached outputs, not images or token ids."""
    storage: str = ""  # where decoded images live, said to the user ("" for texts)
    _device_stats: dict[str, tuple[torch.Tensor, torch.Tensor]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def num_classes(self) -> int:
        """Number of classes the model must output."""
        return len(self.class_names)

    @property
    def vocab_size(self) -> int | None:
        pre = self.preprocessing
        if isinstance(pre, SubwordPreprocessing):
            return pre.vocab_size
        return len(pre.vocabulary) if isinstance(pre, TextPreprocessing) else None

    @property
    def in_channels(self) -> int | None:
        pre = self.preprocessing
        return pre.channels if isinstance(pre, ImagePreprocessing) else None

    @property
    def image_size(self) -> int | None:
        pre = self.preprocessing
        return pre.image_size if isinstance(pre, ImagePreprocessing) else None

    def to_model_input(self, batch: torch.Tensor) -> torch.Tensor:
        """Stored inputs → model inputs: normalised float images; token ids unchanged."""
        pre = self.preprocessing
        if self.features or not isinstance(pre, ImagePreprocessing):
            return batch
        key = str(batch.device)
        stats = self._device_stats.get(key)
        if stats is None:
            stats = stats_tensors(pre.mean, pre.std, batch.device)
            self._device_stats[key] = stats
        return normalize(batch, *stats)


def prepare_data(dataset: Dataset, split: Split, *, image_size: int = 32,
                 channels: int | None = None, max_length: int = 64, min_freq: int = 1,
                 max_vocab: int = 20000,
                 preprocessing: Preprocessing | None = None,
                 decoded_cache: DecodedCache | None = None) -> PreparedData:
    """Build tensors for ``split``; images are decoded once per (content, size, channels).

    With ``preprocessing`` the given size, channels and statistics (images) or vocabulary
    and length (texts) are used as they are and the other arguments are ignored. With
    ``decoded_cache``, images over its memory budget are memory-mapped from its folder.
    """
    _check_split(dataset, split)
    if preprocessing is not None and preprocessing.kind != dataset.kind:
        raise ConfigError(f"a {preprocessing.kind} preprocessing cannot encode the "
                          f"{dataset.kind} dataset {shown(dataset.path)}")
    if dataset.kind == "image":
        fitted = preprocessing if isinstance(preprocessing, ImagePreprocessing) else None
        return _prepare_images(dataset, split, image_size, channels, fitted, decoded_cache)
    if isinstance(preprocessing, SubwordPreprocessing):
        ids = preprocessing.encode(dataset.texts or ())
        return PreparedData("text", dataset.class_names, *_parts(dataset, split, ids),
                            preprocessing=preprocessing)
    fitted_text = preprocessing if isinstance(preprocessing, TextPreprocessing) else None
    return _prepare_texts(dataset, split, max_length, min_freq, max_vocab, fitted_text)


def _prepare_images(dataset: Dataset, split: Split, size: int, channels: int | None,
                    fitted: ImagePreprocessing | None,
                    cache: DecodedCache | None = None) -> PreparedData:
    if fitted is not None:
        size, channels = fitted.image_size, fitted.channels
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ConfigError(f"image_size must be a positive integer; got {size!r}",
                          fields=("image_size",))
    if channels not in (None, 1, 3):
        raise ConfigError(f"channels must be 1 or 3; got {channels!r}")
    channels = channels or default_channels(dataset)
    images = decode_images(dataset, size, channels, cache)
    parts = _parts(dataset, split, images.tensor, lazy=images.mapped)
    if fitted is None:
        mean, std = channel_stats(parts[0].inputs)
        fitted = ImagePreprocessing(size, channels, tuple(mean), tuple(std))
    return PreparedData("image", dataset.class_names, *parts, preprocessing=fitted,
                        storage=images.describe())


def _prepare_texts(dataset: Dataset, split: Split, max_length: int, min_freq: int,
                   max_vocab: int, fitted: TextPreprocessing | None) -> PreparedData:
    texts = dataset.texts or ()
    if fitted is None:
        for name, value, least in (("max_length", max_length, 1), ("min_freq", min_freq, 1),
                                   ("max_vocab", max_vocab, 2)):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ConfigError(f"{name} must be an integer of at least {least}; got "
                                  f"{value!r}", fields=(name,))
        fitted = TextPreprocessing(fit_vocabulary(dataset, split, min_freq, max_vocab),
                                   max_length)
    ids = encode_texts(fitted.vocabulary, texts, fitted.max_length)
    return PreparedData("text", dataset.class_names, *_parts(dataset, split, ids),
                        preprocessing=fitted)


def fit_vocabulary(dataset: Dataset, split: Split, min_freq: int = 1,
                   max_vocab: int = 20000) -> Vocabulary:
    """The vocabulary a run builds: tokens of the training split only."""
    texts = dataset.texts or ()
    return Vocabulary.build((tokenize(texts[i]) for i in split.train), min_freq, max_vocab)


def _parts(dataset: Dataset, split: Split, inputs: torch.Tensor,
           lazy: bool = False) -> tuple[TensorSplit, TensorSplit, TensorSplit]:
    """The three parts; ``lazy`` keeps row numbers into ``inputs`` instead of copying."""
    import torch

    labels = torch.tensor(dataset.labels, dtype=torch.int64)
    parts = []
    for indices in (split.train, split.val, split.test):
        index = torch.tensor(indices, dtype=torch.int64)
        rows = Rows(inputs, index) if lazy else inputs[index]
        parts.append(TensorSplit(rows, labels[index], index))
    return parts[0], parts[1], parts[2]


def _check_split(dataset: Dataset, split: Split) -> None:
    everything = (*split.train, *split.val, *split.test)
    if any(not 0 <= i < len(dataset) for i in everything):
        raise ConfigError("the split does not belong to this dataset (index out of range)")
    if not split.train:
        raise ConfigError(f"the split of {shown(dataset.path)} has no training samples")
