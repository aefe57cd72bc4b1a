"""Items → what an exported graph takes: uint8 ``N×H×W×C`` pixels or int64 ``N×L`` ids.

The one place "a run's samples as an export's inputs" is made: the parity check, compression
(accuracy on test samples, static int8 calibration on training samples) and the tests all
feed exported graphs through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.core.datasets import (
    ImagePreprocessing,
    Preprocessing,
    encode_for_inference,
    pixels_for_inference,
)


def raw_inputs(preprocessing: Preprocessing, items: Sequence[Any]) -> np.ndarray:
    """What a program would feed the export for ``items`` (image paths or PIL images, or
    texts), decoded and tokenised by ModelDesk's own code.

    Raises:
        DatasetError: an image cannot be read.
    """
    if not isinstance(preprocessing, ImagePreprocessing):
        return encode_for_inference(preprocessing, items).numpy()
    return np.ascontiguousarray(pixels_for_inference(preprocessing, items).transpose(0, 2, 3, 1))
