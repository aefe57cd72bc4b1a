"""Small image classifiers written here: an MLP, LeNet-5 and a three-block CNN.

Every model names its final ``nn.Linear`` ``classifier`` so the spec's head prefix, the
layer a new class count resizes, and the layer ``freeze_backbone`` keeps trainable coincide.
Imported only when one of them is built (it imports torch).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class MLP(nn.Module):
    """Flattened pixels through fully connected layers: the baseline any model should beat."""

    def __init__(
        self,
        num_classes: int,
        in_features: int,
        hidden_sizes: Sequence[int],
        dropout: float,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Flatten()]
        width = in_features
        for hidden in hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU(inplace=True)]
            width = hidden
        layers.append(nn.Dropout(dropout))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


class LeNet5(nn.Module):
    """LeNet-5 (LeCun et al. 1998) with ReLU and max pooling, as commonly taught today.

    The first convolution pads by 2 so 28×28 digits get the 32×32 field the original
    expected; the adaptive pool fixes the feature map at 5×5 so any side ≥ 16 works and the
    parameter count does not depend on the image size.
    """

    def __init__(self, num_classes: int, in_channels: int, activation: str, dropout: float) -> None:
        super().__init__()
        act: type[nn.Module] = nn.Tanh if activation == "tanh" else nn.ReLU
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=2),
            act(),
            nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel_size=5),
            act(),
            nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d((5, 5)),
        )
        self.fc = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120),
            act(),
            nn.Linear(120, 84),
            act(),
            nn.Dropout(dropout),
        )
        self.classifier = nn.Linear(84, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.fc(self.features(x)))


def _conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class SmallCNN(nn.Module):
    """Three VGG-style blocks (width, 2×width, 4×width) and global average pooling.

    BatchNorm makes it train quickly at a forgiving learning rate; global pooling makes it
    independent of the image size (≥ 8 pixels, three halvings).
    """

    def __init__(self, num_classes: int, in_channels: int, width: int, dropout: float) -> None:
        super().__init__()
        self.features = nn.Sequential(
            _conv_block(in_channels, width),
            _conv_block(width, 2 * width),
            _conv_block(2 * width, 4 * width),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Dropout(dropout),
        )
        self.classifier = nn.Linear(4 * width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def build_mlp(
    num_classes: int,
    *,
    in_channels: int,
    image_size: int,
    hidden_sizes: Sequence[int],
    dropout: float,
) -> nn.Module:
    return MLP(num_classes, in_channels * image_size * image_size, hidden_sizes, dropout)


def build_lenet5(
    num_classes: int, *, in_channels: int, image_size: int, activation: str, dropout: float
) -> nn.Module:
    del image_size  # any side ≥ 16 works thanks to the adaptive pool
    return LeNet5(num_classes, in_channels, activation, dropout)


def build_small_cnn(
    num_classes: int, *, in_channels: int, image_size: int, width: int, dropout: float
) -> nn.Module:
    del image_size  # global average pooling
    return SmallCNN(num_classes, in_channels, width, dropout)
