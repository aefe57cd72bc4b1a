"""Parameter counts and the one-line model description the GUI, batch log and catalog show.

Torch is imported inside ``describe`` only; counting needs nothing but the module's methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._spec import ArchitectureSpec, BuildInfo

if TYPE_CHECKING:
    from torch import nn


@dataclass(frozen=True)
class ModelSummary:
    """Size of a built model and a line such as
    ``lenet5 · image · 61,706 parameters (61,706 trainable) · input 1×28×28 → 10 classes``.
    """

    name: str
    parameters: int
    trainable: int
    line: str


def count_parameters(module: nn.Module) -> tuple[int, int]:
    """``(total, trainable)`` numbers of parameter elements (shared tensors counted once)."""
    total = trainable = 0
    for param in module.parameters():  # parameters() already de-duplicates shared tensors
        total += param.numel()
        if param.requires_grad:
            trainable += param.numel()
    return total, trainable


def summarize(
    spec: ArchitectureSpec,
    module: nn.Module,
    *,
    num_classes: int | None = None,
    in_channels: int | None = None,
    image_size: int | None = None,
    vocab_size: int | None = None,
    max_length: int | None = None,
) -> ModelSummary:
    """Summarise ``module`` built from ``spec``.

    The input/output part of the line comes from what ``spec.build`` recorded on the module;
    the keyword arguments override it (or supply it for modules built some other way) and
    parts that stay unknown are left out of the line.
    """
    info: BuildInfo | None = getattr(module, "palette_build", None)

    def pick(given: int | None, field: str) -> int | None:
        return given if given is not None else getattr(info, field, None)

    total, trainable = count_parameters(module)
    parts = [spec.name, spec.kind, f"{total:,} parameters ({trainable:,} trainable)"]
    io = _input_text(
        spec,
        in_channels=pick(in_channels, "in_channels"),
        image_size=pick(image_size, "image_size"),
        vocab_size=pick(vocab_size, "vocab_size"),
        max_length=pick(max_length, "max_length"),
    )
    classes = pick(num_classes, "num_classes")
    if classes is not None:
        io = f"{io} → {classes} classes" if io else f"{classes} classes"
    if io:
        parts.append(io)
    return ModelSummary(spec.name, total, trainable, " · ".join(parts))


def describe(
    spec: ArchitectureSpec,
    num_classes: int,
    *,
    in_channels: int = 3,
    image_size: int | None = None,
    vocab_size: int | None = None,
    **options: object,
) -> ModelSummary:
    """Summary of the model ``spec.build`` would make, without allocating its weights.

    The model is built on torch's "meta" device (shapes only, no memory, no random init
    cost), so the GUI can show the size of a ResNet as options change. Text specs still need
    ``vocab_size``. Raises ``ConfigError`` for the same reasons ``build`` does.
    """
    import torch

    kwargs = {"in_channels": in_channels, "image_size": image_size, "vocab_size": vocab_size}
    try:
        with torch.device("meta"):
            module = spec.build(num_classes, **kwargs, **options)
    except (NotImplementedError, RuntimeError):
        # An operation without a meta implementation in some layer's init: build for real.
        module = spec.build(num_classes, **kwargs, **options)
    return summarize(spec, module)


def _input_text(
    spec: ArchitectureSpec,
    *,
    in_channels: int | None,
    image_size: int | None,
    vocab_size: int | None,
    max_length: int | None,
) -> str:
    if spec.kind == "image":
        if in_channels is None or image_size is None:
            return ""
        return f"input {in_channels}×{image_size}×{image_size}"
    pieces = []
    if max_length is not None:
        pieces.append(f"input up to {max_length} tokens")
    if vocab_size is not None:
        pieces.append(f"vocabulary {vocab_size:,}")
    return ", ".join(pieces)
