"""Which class an explanation is about: the predicted one unless the caller names another."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from app.core.errors import ConfigError

if TYPE_CHECKING:
    import torch
    from torch import nn

Target = int | str | None
"""A class index, a class name, or ``None`` for the model's most probable class."""


def forward_scores(model: nn.Module, inputs: torch.Tensor) -> list[float]:
    """Class probabilities for a batch of one, without building a graph."""
    import torch

    with torch.no_grad():
        return torch.softmax(model(inputs).float(), dim=1)[0].tolist()


def resolve_target(target: Target, class_names: tuple[str, ...],
                   probabilities: list[float]) -> int:
    """The class index ``target`` means; ``ConfigError`` naming the classes when unknown."""
    if target is None:
        return max(range(len(probabilities)), key=lambda i: (probabilities[i], -i))
    if isinstance(target, str):
        if target in class_names:
            return class_names.index(target)
        raise ConfigError(f"the model has no class {target!r}; its classes are "
                          f"{', '.join(class_names)}")
    index = int(target)
    if not 0 <= index < len(class_names):
        raise ConfigError(f"class index {index} is out of range: the model has "
                          f"{len(class_names)} classes")
    return index


@contextmanager
def gradients_on() -> Iterator[None]:
    """Autograd on even inside a caller's ``no_grad`` or ``inference_mode``: attribution
    methods differentiate the model (inputs must be made inside, not as inference tensors)."""
    import torch

    with torch.inference_mode(False), torch.enable_grad():
        yield
