"""Decoded image tensors, kept in memory per (dataset content, size, channels).

Decoding JPEGs is the slow part of image training; each image is decoded once, and every
later run on the same data (another split, seed or model) only indexes the uint8 tensor.
``decode_count()`` lets tests and benchmarks prove that no decoding happened.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.core.datasets._images import image_mode, is_gray, to_array
from app.core.datasets._names import shown
from app.core.datasets._records import Dataset
from app.core.errors import DatasetError

if TYPE_CHECKING:
    import torch

_CACHE_SIZE = 3
_CHUNK = 64
_decoded: OrderedDict[tuple[str, int, int], torch.Tensor] = OrderedDict()
_gray: dict[str, bool] = {}
_lock = threading.RLock()  # held while decoding, so one dataset is never decoded twice
_count_lock = threading.Lock()  # separate: worker threads bump the count under _lock's holder
_decodes = 0


def decode_count() -> int:
    """How many images have been decoded for tensors since the process started."""
    return _decodes


def clear_image_cache() -> None:
    """Drop every cached decoded tensor (frees memory)."""
    with _lock:
        _decoded.clear()
        _gray.clear()


def content_key(dataset: Dataset) -> str:
    """Identifies the ordered sample contents; paths and mtimes do not matter."""
    return hashlib.sha256("\n".join(dataset.content_hashes).encode("ascii")).hexdigest()


def default_channels(dataset: Dataset) -> int:
    """1 when every image is single-channel, else 3 (header reads only, memoised)."""
    key = content_key(dataset)
    with _lock:
        if key not in _gray:
            _gray[key] = all(is_gray(_mode(file)) for file in dataset.files or ())
        return 1 if _gray[key] else 3


def remember_gray(dataset: Dataset, gray: bool) -> None:
    """Record what the loader learnt while validating, so no header needs re-reading."""
    with _lock:
        _gray[content_key(dataset)] = gray


def decoded_images(dataset: Dataset, size: int, channels: int) -> torch.Tensor:
    """uint8 ``N×C×size×size`` for every kept sample, in dataset order; cached."""
    import torch

    key = (content_key(dataset), size, channels)
    with _lock:
        if key in _decoded:
            _decoded.move_to_end(key)
            return _decoded[key]
        files = dataset.files or ()
        array = np.empty((len(files), channels, size, size), dtype=np.uint8)

        def fill(start: int) -> None:
            for index in range(start, min(start + _CHUNK, len(files))):
                array[index] = _decode(files[index], size, channels)

        # PIL releases the GIL while decoding and resizing, so threads help on big photos;
        # chunks keep the per-task overhead small for tiny images.
        workers = min(4, os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(fill, range(0, len(files), _CHUNK)))
        tensor = torch.from_numpy(array)
        _decoded[key] = tensor
        while len(_decoded) > _CACHE_SIZE:
            _decoded.popitem(last=False)
        return tensor


def _decode(file: Path, size: int, channels: int) -> np.ndarray:
    global _decodes
    try:
        array = to_array(file, size, channels)
    except Exception as error:
        raise DatasetError(
            f"cannot decode {shown(file)} ({error}); it may have changed since the dataset was "
            "loaded. Reload the dataset."
        ) from None
    with _count_lock:
        _decodes += 1
    return array


def _mode(file: Path) -> str:
    try:
        return image_mode(file)
    except Exception as error:
        raise DatasetError(f"cannot read {shown(file)} ({error}); reload the dataset") from None
