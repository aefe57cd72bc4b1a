"""ResNet-18 and MobileNetV3-Small from torchvision, adapted to our inputs.

Always built with ``weights=None``: ModelDesk runs offline and never downloads anything.
Pretrained weights the user already has on disk are applied with ``load_local_weights``; the
layers kept from torchvision keep their names and shapes (ImageNet stem, 3 channels) so such
files load into everything but the resized head.
"""

from __future__ import annotations

from torch import nn
from torchvision import models

# Sides up to this get the CIFAR-style ResNet stem (see build_resnet18).
SMALL_INPUT_MAX = 64


def _replace_conv_input(conv: nn.Conv2d, in_channels: int, **overrides: int) -> nn.Conv2d:
    """A fresh conv like ``conv`` with another number of input channels (or kernel/stride)."""
    settings = {
        "kernel_size": conv.kernel_size,
        "stride": conv.stride,
        "padding": conv.padding,
    }
    settings.update(overrides)
    new = nn.Conv2d(
        in_channels,
        conv.out_channels,
        bias=conv.bias is not None,
        **settings,
    )
    nn.init.kaiming_normal_(new.weight, mode="fan_out", nonlinearity="relu")
    return new


def build_resnet18(num_classes: int, *, in_channels: int, image_size: int, stem: str) -> nn.Module:
    """ResNet-18 (He et al. 2016) with ``num_classes`` outputs.

    Why a CIFAR-style stem for small inputs: the ImageNet stem (7×7 stride-2 conv, then a
    stride-2 max pool) divides the side by 4 before the first residual block, so a 32×32
    image reaches the last stage as 1×1 and most spatial detail is thrown away in the first
    two layers. For sides ≤ 64 (``stem="auto"``) we use a 3×3 stride-1 conv and no max pool,
    as He et al. did for CIFAR-10, so the last stage still sees 4×4 (32 px) to 8×8 (64 px).
    Larger images keep the ImageNet stem, whose weights then load from torchvision files.
    """
    model = models.resnet18(weights=None, num_classes=num_classes)
    cifar = stem == "cifar" or (stem == "auto" and image_size <= SMALL_INPUT_MAX)
    if cifar:
        model.conv1 = _replace_conv_input(
            model.conv1, in_channels, kernel_size=3, stride=1, padding=1
        )
        model.maxpool = nn.Identity()
    elif in_channels != model.conv1.in_channels:
        model.conv1 = _replace_conv_input(model.conv1, in_channels)
    return model


def build_mobilenet_v3_small(
    num_classes: int, *, in_channels: int, image_size: int, dropout: float, width_mult: float
) -> nn.Module:
    """MobileNetV3-Small (Howard et al. 2019): about 1.5 M parameters, quick on a CPU.

    It keeps its stride-2 stem at every size: with global pooling a 64×64 image still ends
    as a 2×2 map, and the network is meant to be cheap rather than to squeeze small images.
    """
    del image_size  # global average pooling
    model = models.mobilenet_v3_small(
        weights=None, num_classes=num_classes, dropout=dropout, width_mult=width_mult
    )
    stem = model.features[0][0]
    if in_channels != stem.in_channels:
        model.features[0][0] = _replace_conv_input(stem, in_channels)
    return model
