"""The graph an export holds: what a program naturally has in, probabilities and logits out.

Exports disagree with their model when preprocessing stays behind or ``eval()`` is forgotten
(onnxruntime#4589, #26504). So the exported module is not the bare model but this wrapper:
images come in as uint8 ``N×H×W×C`` pixels (``np.asarray`` of a PIL image already resized as
ModelDesk resizes) and are transposed, scaled and normalised inside the graph with the run's
own statistics; texts come in as the int64 ids ModelDesk's encoder gives. Softmax is inside
too, so a caller needs no numpy beyond argmax.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from app.core.datasets import ImagePreprocessing, SubwordPreprocessing
from app.core.export._adapters import exportable
from app.core.models import ModelBundle

_EXAMPLE_BATCH = 2  # not 1: the exporter would specialise a batch of one to a constant
_EXAMPLE_LENGTH = 8


class ImageInput(nn.Module):
    """uint8 ``N×H×W×C`` → ``(x/255 - mean)/std`` as ``N×C×H×W`` → model → softmax, logits."""

    def __init__(self, model: nn.Module, preprocessing: ImagePreprocessing) -> None:
        super().__init__()
        self.model = model
        shape = (1, preprocessing.channels, 1, 1)
        self.register_buffer("mean", torch.tensor(preprocessing.mean).reshape(shape))
        self.register_buffer("std", torch.tensor(preprocessing.std).reshape(shape))

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = pixels.permute(0, 3, 1, 2).to(torch.float32) / 255.0
        logits = self.model((x - self.mean) / self.std).float()
        return torch.softmax(logits, dim=1), logits


class TextInput(nn.Module):
    """int64 ``N×L`` ids (right-padded with 0) → model → softmax, logits."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.model(input_ids).float()
        return torch.softmax(logits, dim=1), logits


def wrap(model: nn.Module, bundle: ModelBundle) -> nn.Module:
    """The module to export for ``model``, in eval mode (dropout off, batch-norm statistics
    fixed), with export-friendly stand-ins for the parts torch.export cannot trace."""
    model = exportable(model.eval())
    pre = bundle.preprocessing
    wrapper = ImageInput(model, pre) if isinstance(pre, ImagePreprocessing) else TextInput(model)
    return wrapper.eval()


def example_input(bundle: ModelBundle, sequence: int | None = None) -> torch.Tensor:
    """A batch to trace with: mid-grey pixels, or ids of one real token then padding
    (``sequence`` ids long when the axis is fixed)."""
    pre = bundle.preprocessing
    if isinstance(pre, ImagePreprocessing):
        shape = (_EXAMPLE_BATCH, pre.image_size, pre.image_size, pre.channels)
        return torch.full(shape, 128, dtype=torch.uint8)
    length = sequence or min(_EXAMPLE_LENGTH, pre.max_length)
    ids = torch.zeros((_EXAMPLE_BATCH, length), dtype=torch.int64)
    ids[:, 0] = 1 if not isinstance(pre, SubwordPreprocessing) else 101  # unk / [CLS]
    ids[0, 1] = 2 if not isinstance(pre, SubwordPreprocessing) else 102  # a word / [SEP]
    return ids


def dynamic_shapes(bundle: ModelBundle, sequence: int | None = None) -> dict[str, Any]:
    """A dynamic batch axis; for texts also a dynamic sequence axis up to ``max_length``
    (ModelDesk's encoder never gives more, and a position table has no rows beyond it)."""
    batch = torch.export.Dim("batch", min=1)
    if isinstance(bundle.preprocessing, ImagePreprocessing):
        return {"pixels": {0: batch}}
    if sequence is not None:
        return {"input_ids": {0: batch}}
    longest = bundle.preprocessing.max_length
    return {"input_ids": {0: batch, 1: torch.export.Dim("sequence", min=1, max=longest)}}
