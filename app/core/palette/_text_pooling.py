"""Masked pooling over token positions, shared by the text models.

Padded batches mix rows of very different lengths; pooling over pads would make a model's
output depend on how long the longest row in the batch was. These helpers pool over real
positions only, and return zeros (never NaN) for a row with no real position at all.
"""

from __future__ import annotations

import torch

PAD_ID = 0


def token_mask(ids: torch.Tensor) -> torch.Tensor:
    """``bool[N, L]``: True where there is a real (non-pad) token."""
    return ids != PAD_ID


def masked_mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``values[N, L, D]`` over positions where ``mask[N, L]`` holds."""
    weights = mask.unsqueeze(-1).to(values.dtype)
    counts = weights.sum(dim=1).clamp(min=1.0)
    return (values * weights).sum(dim=1) / counts


def masked_max(values: torch.Tensor, mask: torch.Tensor, dim: int = 1) -> torch.Tensor:
    """Max of ``values`` over ``dim`` where ``mask`` (broadcastable) holds; 0 for empty rows."""
    filled = values.masked_fill(~mask, float("-inf"))
    best = filled.amax(dim=dim)
    return torch.where(torch.isneginf(best), torch.zeros_like(best), best)
