"""Tiny synthetic image data for augmentation tests: each class a bright bar in its own
place on noise, so flips and rotations visibly move it and a small CNN learns it in seconds."""

from __future__ import annotations

import torch

from app.core.config import RunConfig
from app.core.datasets import ImagePreprocessing, PreparedData, TensorSplit
from app.core.datasets._tensors import channel_stats
from app.core.palette import get_spec

SIZE, CLASSES = 16, ("top", "left", "corner")


def image_batch(count: int, channels: int = 3, seed: int = 0) -> tuple[torch.Tensor,
                                                                        torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, len(CLASSES), (count,), generator=generator)
    images = torch.randint(0, 60, (count, channels, SIZE, SIZE), generator=generator)
    for row, label in enumerate(labels.tolist()):
        if label == 0:
            images[row, :, 1:4, 2:14] = 230
        elif label == 1:
            images[row, :, 2:14, 1:4] = 230
        else:
            images[row, :, 10:15, 10:15] = 230
    if channels == 3:
        images[:, 0] = (images[:, 0] + 25).clamp(max=255)  # a colour cast: saturation acts
    return images.to(torch.uint8), labels


def make_image_data(train: int = 96, val: int = 24, test: int = 24, channels: int = 3,
                    seed: int = 0) -> PreparedData:
    parts = []
    start = 0
    for offset, count in enumerate((train, val, test)):
        images, labels = image_batch(count, channels, seed * 10 + offset)
        parts.append(TensorSplit(images, labels, torch.arange(start, start + count)))
        start += count
    mean, std = channel_stats(parts[0].inputs)
    return PreparedData("image", CLASSES, *parts,
                        preprocessing=ImagePreprocessing(SIZE, channels, tuple(mean), tuple(std)))


def make_model(channels: int = 3, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return get_spec("small_cnn").build(len(CLASSES), in_channels=channels, image_size=SIZE,
                                       width=8, dropout=0.2)


def make_config(**changes: object) -> RunConfig:
    values = {"dataset": "synthetic", "model": "small_cnn", "epochs": 2, "batch_size": 16,
              "lr": 0.01, "device": "cpu", "log_every": 5, **changes}
    return RunConfig.from_mapping(values)

