"""What an explanation hands the window: plain numbers, no tensors, so any thread may hold it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Saliency:
    """Where in an image the model found evidence for ``target``.

    Attributes:
        heatmap: float32 ``H×W`` in [0, 1] at the size of the image as given (not the model's
            input size): 1 is the strongest evidence, 0 none. All zeros when the model found
            no positive evidence for the class anywhere.
        target: The class explained.
        target_index: Its index in the model's class order.
        probability: The probability the model gives ``target`` for this image.
        predicted: The model's most probable class (``target`` unless another was asked for).
        method: How the map was computed, in words ("Grad-CAM on features.2.3").
    """

    heatmap: np.ndarray
    target: str
    target_index: int
    probability: float
    predicted: str
    method: str


@dataclass(frozen=True)
class TokenAttributions:
    """How much each token of a text pushed the model towards ``target``.

    ``scores`` are signed and in the model's logit units summed over the embedding: positive
    tokens are evidence for the class, negative ones against it. ``known`` is ``False`` for
    tokens the model's vocabulary does not hold (read as the unknown token).
    """

    tokens: tuple[str, ...]
    scores: tuple[float, ...]
    known: tuple[bool, ...]
    target: str
    target_index: int
    probability: float
    predicted: str
    method: str

    def normalised(self) -> tuple[float, ...]:
        """``scores`` divided by the largest magnitude, so in [-1, 1] (zeros stay zeros)."""
        largest = max((abs(s) for s in self.scores), default=0.0)
        return tuple(s / largest for s in self.scores) if largest > 0 else self.scores

    def top(self) -> str | None:
        """The token with the highest (most positive) score."""
        if not self.tokens:
            return None
        return self.tokens[max(range(len(self.scores)), key=lambda i: self.scores[i])]
