"""Raw texts or image files → a model-ready batch, using only a run's saved preprocessing.

"Try it" and export run long after training, possibly in another process, so they must
not need the dataset: the preprocessing record saved in the model bundle is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from app.core.datasets._encoding import read_utf8
from app.core.datasets._images import to_array
from app.core.datasets._names import shown
from app.core.datasets._preprocessing import ImagePreprocessing, Preprocessing
from app.core.datasets._subword import SubwordPreprocessing
from app.core.datasets._tensors import encode_texts, normalize, stats_tensors
from app.core.errors import ConfigError, DatasetError

if TYPE_CHECKING:
    import torch

Item = str | Path | Image.Image


def encode_for_inference(preprocessing: Preprocessing, items: Sequence[Item]) -> torch.Tensor:
    """Float ``N×C×H×W`` for images (normalised as in training) or int64 ``N×L`` ids.

    For images, strings are file paths; for texts, strings are the texts themselves and
    ``Path`` items are UTF-8 files to read.
    """
    if isinstance(preprocessing, ImagePreprocessing):
        return _encode_images(preprocessing, items)
    texts = [read_utf8(i) if isinstance(i, Path) else i for i in items]
    if not all(isinstance(t, str) for t in texts):
        raise ConfigError("text models take strings (or paths of .txt files)")
    if isinstance(preprocessing, SubwordPreprocessing):
        return preprocessing.encode(texts)
    return encode_texts(preprocessing.vocabulary, texts, preprocessing.max_length)


def pixels_for_inference(preprocessing: ImagePreprocessing, items: Sequence[Item]) -> np.ndarray:
    """uint8 ``N×C×H×W``: the pixels before normalisation (what an export's graph takes,
    transposed to ``N×H×W×C``)."""
    size, channels = preprocessing.image_size, preprocessing.channels
    arrays = [_image_array(item, size, channels) for item in items]
    return np.stack(arrays) if arrays else np.zeros((0, channels, size, size), np.uint8)


def _encode_images(preprocessing: ImagePreprocessing, items: Sequence[Item]) -> torch.Tensor:
    import torch

    mean, std = stats_tensors(preprocessing.mean, preprocessing.std)
    return normalize(torch.from_numpy(pixels_for_inference(preprocessing, items)), mean, std)


def _image_array(item: Item, size: int, channels: int) -> np.ndarray:
    if isinstance(item, Image.Image):
        return to_array(item, size, channels)
    path = Path(item)
    try:
        return to_array(path, size, channels)
    except FileNotFoundError:
        raise DatasetError(f"{shown(path)} does not exist") from None
    except Exception as error:
        raise DatasetError(f"cannot read {shown(path)} as an image ({error})") from None
