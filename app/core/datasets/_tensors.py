"""Tensor helpers shared by training preparation and inference, so both agree exactly.

Torch is imported inside each function: importing the datasets package must not load it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from app.core.datasets._vocab import UNK_ID, Vocabulary

if TYPE_CHECKING:
    import torch

_MIN_STD = 1e-6
_STATS_CHUNK = 256


def encode_texts(vocab: Vocabulary, texts: Sequence[str], max_length: int) -> torch.Tensor:
    """int64 ``N×max_length`` ids, right-padded with 0.

    A text with no known tokens becomes a single ``<unk>``: an all-pad row would give
    mean-pooling models an empty input.
    """
    import torch

    ids = np.zeros((len(texts), max_length), dtype=np.int64)
    for row, text in enumerate(texts):
        encoded = vocab.encode(text, max_length) or [UNK_ID]
        ids[row, : len(encoded)] = encoded
    return torch.from_numpy(ids)


def channel_stats(images: torch.Tensor) -> tuple[list[float], list[float]]:
    """Per-channel mean and std of uint8 ``N×C×H×W`` images, in [0, 1] units.

    Accumulates in float64 chunk by chunk so a large uint8 tensor is never copied to float
    whole. A constant channel gets std 1 instead of 0 so normalising never divides by zero.
    """
    import torch

    channels = images.shape[1]
    total = torch.zeros(channels, dtype=torch.float64)
    squares = torch.zeros(channels, dtype=torch.float64)
    for chunk in images.split(_STATS_CHUNK):
        values = chunk.to(torch.float64) / 255.0
        total += values.sum(dim=(0, 2, 3))
        squares += (values * values).sum(dim=(0, 2, 3))
    count = max(images.shape[0] * images.shape[2] * images.shape[3], 1)
    mean = total / count
    std = (squares / count - mean * mean).clamp(min=0).sqrt()
    std = torch.where(std < _MIN_STD, torch.ones_like(std), std)
    return mean.tolist(), std.tolist()


def normalize(batch: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """``(batch / 255 - mean) / std`` as float32; ``mean``/``std`` shaped ``1×C×1×1``."""
    return (batch.float() / 255.0 - mean) / std


def stats_tensors(mean: Sequence[float], std: Sequence[float],
                  device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and std as broadcastable float32 ``1×C×1×1`` tensors on ``device``."""
    import torch

    shape = (1, len(mean), 1, 1)
    return (
        torch.tensor(list(mean), dtype=torch.float32, device=device).reshape(shape),
        torch.tensor(list(std), dtype=torch.float32, device=device).reshape(shape),
    )
