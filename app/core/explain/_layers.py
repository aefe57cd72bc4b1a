"""Finding the layer an attribution method hooks, generically for every palette architecture.

Why measured rather than named: the palette mixes our own nets, torchvision's and packaged
pretrained ones, and what "the last convolution" means depends on the input size (MobileNet
turns a 32-pixel image into a 1×1 map before its last convolutions, where Grad-CAM would be
one flat value). So one forward pass records every convolution's output size, in execution
order, and the deepest one that still has a spatial map wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch
    from torch import nn

MIN_SIDE = 4
"""A map at least this many cells a side is preferred; 2×2 is taken when nothing larger is
left deep in the net; 1×1 never (it says nothing about where)."""


def last_spatial_conv(model: nn.Module, inputs: torch.Tensor) -> tuple[str, nn.Module] | None:
    """``(name, module)`` of the deepest ``Conv2d`` with a useful map, or ``None`` (an MLP)."""
    import torch
    from torch import nn

    seen: list[tuple[str, nn.Module, int]] = []
    hooks = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d):
            def record(mod, _args, output, name=name):  # noqa: ANN001, ANN202
                seen.append((name, mod, min(output.shape[-2:])))
            hooks.append(module.register_forward_hook(record))
    try:
        with torch.no_grad():
            model(inputs)
    finally:
        for hook in hooks:
            hook.remove()
    for least in (MIN_SIDE, 2):
        for name, module, side in reversed(seen):
            if side >= least:
                return name, module
    return None


def token_embedding(model: nn.Module, vocab_size: int) -> tuple[str, nn.Module]:
    """The ``nn.Embedding`` that maps token ids (``vocab_size`` rows), not positions or types.

    Raises:
        ValueError: the model has none (not a text model of the palette).
    """
    from torch import nn

    for name, module in model.named_modules():
        if isinstance(module, nn.Embedding) and module.num_embeddings == vocab_size:
            return name, module
    raise ValueError(f"the model has no token embedding of {vocab_size} rows")
