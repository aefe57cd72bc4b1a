"""Items → what an exported graph takes: uint8 ``N×H×W×C`` pixels or int64 ``N×L`` ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.core.datasets import ImagePreprocessing, encode_for_inference, pixels_for_inference
from app.core.models import ModelBundle


def raw_inputs(bundle: ModelBundle, items: Sequence[Any]) -> np.ndarray:
    """What a program would feed the export for ``items``, decoded as ModelDesk decodes."""
    pre = bundle.preprocessing
    if not isinstance(pre, ImagePreprocessing):
        return encode_for_inference(pre, items).numpy()
    return np.ascontiguousarray(pixels_for_inference(pre, items).transpose(0, 2, 3, 1))
