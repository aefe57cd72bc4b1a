"""What turns raw inputs into model inputs, as a typed record fitted on a training split.

``prepare_data`` fits one (image statistics, or the vocabulary) from the training split, or
reuses one it is given (fine-tuning a parent run keeps its vocabulary and normalisation);
inference and export read it from the model bundle. ``to_json``/``from_json`` are the stored
form, the same dicts the first run-folder layout kept in ``preprocessing.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from app.core.datasets._subword import SubwordPreprocessing
from app.core.datasets._vocab import Vocabulary


@dataclass(frozen=True)
class ImagePreprocessing:
    """Resize to ``image_size`` squared with ``channels`` channels, then ``(x/255 - mean)/std``."""

    image_size: int
    channels: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    kind: ClassVar[str] = "image"

    def to_json(self) -> dict[str, Any]:
        return {"kind": "image", "image_size": self.image_size, "channels": self.channels,
                "mean": list(self.mean), "std": list(self.std)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImagePreprocessing:
        size, channels = _int(data, "image_size"), _int(data, "channels")
        mean, std = _floats(data, "mean"), _floats(data, "std")
        if channels not in (1, 3) or len(mean) != channels or len(std) != channels:
            raise ValueError(f"channels {channels} does not match mean/std of length "
                             f"{len(mean)}/{len(std)}")
        if any(value <= 0 for value in std):
            raise ValueError("std values must be positive")
        return cls(size, channels, mean, std)


@dataclass(frozen=True)
class TextPreprocessing:
    """Lower-case word tokens, ids from ``vocabulary`` (pad 0, unk 1), cut to ``max_length``."""

    vocabulary: Vocabulary
    max_length: int
    lowercase: bool = True
    kind: ClassVar[str] = "text"

    def to_json(self) -> dict[str, Any]:
        return {"kind": "text", "max_length": self.max_length,
                "vocab": self.vocabulary.to_dict(), "lowercase": self.lowercase}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TextPreprocessing:
        vocab = data.get("vocab")
        if not isinstance(vocab, Mapping) or not isinstance(vocab.get("tokens"), list):
            raise ValueError("'vocab' must hold a list of tokens")
        return cls(Vocabulary.from_dict(dict(vocab)), _int(data, "max_length"),
                   bool(data.get("lowercase", True)))


Preprocessing = ImagePreprocessing | TextPreprocessing | SubwordPreprocessing


def preprocessing_from_json(data: Any) -> Preprocessing:
    """The record ``to_json`` wrote (either kind); ``ValueError`` saying what is wrong."""
    if not isinstance(data, Mapping):
        raise ValueError("the preprocessing is not a JSON object")
    kinds = {"image": ImagePreprocessing, "text": TextPreprocessing}
    kind = data.get("kind")
    if kind not in kinds:
        raise ValueError(f"unknown preprocessing kind {kind!r}; expected 'image' or 'text'")
    if kind == "text" and "tokenizer" in data:
        kinds["text"] = SubwordPreprocessing  # a pretrained encoder's own tokenizer
    try:
        return kinds[kind].from_json(data)
    except (KeyError, TypeError) as error:
        raise ValueError(f"the {kind} preprocessing is incomplete ({error})") from None


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{key!r} must be a positive whole number, got {value!r}")
    return value


def _floats(data: Mapping[str, Any], key: str) -> tuple[float, ...]:
    values = data.get(key)
    if not isinstance(values, list | tuple) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{key!r} must be a list of numbers, got {values!r}")
    return tuple(float(v) for v in values)
