"""Is a completed run learning at all? Its best validation accuracy against a trivial model.

A run whose validation accuracy never beats always answering the most frequent class has
learnt nothing a person could use, however green "completed" looks; the run is flagged
``not learning`` (the window, the catalog and the batch summary say so). One sample's worth of
accuracy is allowed above that baseline, so a tiny validation split does not flag by noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

NOT_LEARNING = "not learning"


def majority_rate(labels: torch.Tensor) -> float:
    """Accuracy of always answering the most frequent label in ``labels``."""
    import torch

    if not len(labels):
        return 0.0
    return float(torch.bincount(labels).max()) / len(labels)


def health(best_accuracy: float | None, labels: torch.Tensor) -> str | None:
    """``NOT_LEARNING`` when ``best_accuracy`` (on the split ``labels`` belong to) is no better
    than the majority baseline plus one sample; ``None`` when it is, or cannot be told."""
    if best_accuracy is None or not len(labels):
        return None
    baseline = majority_rate(labels)
    return NOT_LEARNING if best_accuracy <= baseline + 1.0 / len(labels) + 1e-9 else None
