"""Magnitude pruning with ``torch.nn.utils.prune``, reported for what it is.

Zeroing the smallest weights leaves every tensor its full shape, so the dense ONNX file is as
large as before: sparsity saves bytes only when the file is shipped compressed (zip, gzip),
which is why the catalog row records both sizes. Structured pruning that removes whole
channels would shrink the dense file too, but it must rewrite every layer that reads a pruned
channel (the next convolution, BatchNorm, the classifier), architecture by architecture; it is
not offered yet.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import nn

PRUNABLE = ("Linear", "Conv1d", "Conv2d", "Embedding")
"""Layer types whose ``weight`` is pruned (biases and norms are left alone)."""


def magnitude_prune(model: nn.Module, amount: float) -> tuple[nn.Module, dict[str, Any]]:
    """A copy of ``model`` with the ``amount`` smallest |weights| of its prunable layers set
    to zero, made permanent; and what was pruned.

    The threshold is global (one across all layers), not per layer: small layers such as
    the first convolution hold few, important weights, and pruning each layer by the same
    share cost far more accuracy on our CNNs."""
    import torch
    from torch.nn.utils import prune

    pruned = copy.deepcopy(model).eval()
    layers = [(name, module) for name, module in pruned.named_modules()
              if type(module).__name__ in PRUNABLE and isinstance(
                  getattr(module, "weight", None), torch.nn.Parameter)]
    if layers:
        prune.global_unstructured([(module, "weight") for _, module in layers],
                                  pruning_method=prune.L1Unstructured, amount=float(amount))
    for _, module in layers:
        prune.remove(module, "weight")
    zeros = sum(int((module.weight == 0).sum()) for _, module in layers)
    total = sum(module.weight.numel() for _, module in layers)
    everything = sum(p.numel() for p in pruned.parameters())
    return pruned, {"amount": float(amount), "criterion": "L1 magnitude, one global threshold",
                    "layers": [name for name, _ in layers],
                    "pruned_weight_sparsity": round(zeros / total, 4) if total else 0.0,
                    "model_sparsity": round(zeros / everything, 4) if everything else 0.0}
