"""What a model's size depends on in the data, derived the way a run derives it.

The window counts parameters for the palette before anything trains; it asks here rather
than re-deriving the split and vocabulary itself, so the count is the one a run would have.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.config import run_param
from app.core.datasets import Dataset, default_channels, fit_vocabulary, split_dataset
from app.core.errors import ModelDeskError

_VOCAB_KEYS = ("val_fraction", "test_fraction", "seed", "min_freq", "max_vocab")
"""Settings that change a text run's vocabulary (a change means counting again)."""


@dataclass(frozen=True)
class ModelInputs:
    """The data-dependent sizes a model is built with."""

    num_classes: int
    in_channels: int = 3
    vocab_size: int | None = None


def inputs_key(dataset: Dataset, values: Mapping[str, Any]) -> tuple:
    """Equal keys mean equal ``model_inputs`` (cheap; no data is read)."""
    if dataset.kind != "text":
        return (dataset.fingerprint,)
    return (dataset.fingerprint, *(values.get(k) for k in _VOCAB_KEYS))


def model_inputs(dataset: Dataset, values: Mapping[str, Any]) -> ModelInputs:
    """Class count, channels and vocabulary size a run on ``dataset`` with ``values`` would
    use (no torch). Invalid split settings count on the whole dataset: the form reports them."""
    num_classes = len(dataset.class_names)
    if dataset.kind == "image":
        return ModelInputs(num_classes, in_channels=default_channels(dataset))

    def value(key: str) -> Any:
        given = values.get(key)
        return run_param(key).default if given is None else given

    try:
        split = split_dataset(dataset, float(value("val_fraction")),
                              float(value("test_fraction")), int(value("seed")))
        vocab = fit_vocabulary(dataset, split, int(value("min_freq")), int(value("max_vocab")))
    except (ModelDeskError, ValueError, TypeError):
        whole = split_dataset(dataset, 0.0, 0.0, 0)
        vocab = fit_vocabulary(dataset, whole)
    return ModelInputs(num_classes, vocab_size=len(vocab))
