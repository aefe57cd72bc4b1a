"""The exported graph's interface, without torch: input and output names, the input's shape.

Shared by the exporters, the metadata record and the readers, so all three name the same
tensors; kept apart from the wrapper module so reading it never loads torch.
"""

from __future__ import annotations

from typing import Any

from app.core.datasets import ImagePreprocessing
from app.core.models import ModelBundle

OUTPUT_NAMES = ("probabilities", "logits")


def input_name(bundle: ModelBundle) -> str:
    return "pixels" if isinstance(bundle.preprocessing, ImagePreprocessing) else "input_ids"


def input_description(bundle: ModelBundle, sequence: int | None = None) -> dict[str, Any]:
    """The ``input`` entry of the metadata: name, dtype, layout and shape (``sequence``: a
    fixed number of tokens, else the axis is dynamic up to ``max_sequence``)."""
    pre = bundle.preprocessing
    if isinstance(pre, ImagePreprocessing):
        return {"name": "pixels", "dtype": "uint8", "layout": "NHWC",
                "shape": ["batch", pre.image_size, pre.image_size, pre.channels]}
    return {"name": "input_ids", "dtype": "int64", "shape": ["batch", sequence or "sequence"],
            "pad_id": 0, "max_sequence": pre.max_length}
