"""A pretrained backbone with a new head, and the switch that trains only some of it.

Why one wrapper for every pretrained entry: a frozen backbone is a fixed feature extractor, so
its features can be computed once per dataset and cached (``runs``' feature cache), and each
epoch then trains only the head. The same module accepts those cached features (a float
``N×feature_dim`` tensor) and raw inputs, so checkpoints, the bundle's weights and inference
never need to know which one a run trained on. Frozen parts stay in eval mode (BatchNorm
statistics and dropout fixed): a frozen backbone then computes exactly the features the cache
holds.
"""

from __future__ import annotations

import torch
from torch import nn


class FeatureClassifier(nn.Module):
    """``head(backbone(x))``; ``x`` may also be the backbone's output, computed before."""

    def __init__(self, backbone: nn.Module, feature_dim: int, num_classes: int,
                 dropout: float) -> None:
        super().__init__()
        self.backbone = backbone
        self.feature_dim = feature_dim
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(feature_dim, num_classes))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The backbone's ``N×feature_dim`` output for raw inputs."""
        return self.backbone(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if is_feature_batch(x, self.feature_dim):
            return self.head(x)
        return self.head(self.backbone(x))

    def train(self, mode: bool = True) -> FeatureClassifier:
        super().train(mode)
        if mode:
            keep_frozen_in_eval(self.backbone)
        return self


def is_feature_batch(x: torch.Tensor, feature_dim: int) -> bool:
    """Cached features are float ``N×feature_dim``; images are 4-D and token ids integers."""
    return x.dim() == 2 and x.is_floating_point() and x.shape[1] == feature_dim


def keep_frozen_in_eval(module: nn.Module) -> None:
    """Put every submodule whose parameters are all frozen into eval mode."""
    for child in module.children():
        params = list(child.parameters())
        if params and not any(p.requires_grad for p in params):
            child.eval()
        else:
            keep_frozen_in_eval(child)
