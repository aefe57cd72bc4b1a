"""Decoded image tensors, kept per (dataset content, size, channels).

Decoding JPEGs is the slow part of image training; each image is decoded once, and every
later run on the same data (another split, seed or model) only indexes the uint8 tensor.
``decode_count()`` lets tests and benchmarks prove that no decoding happened. A tensor over
the memory budget is decoded into a memory-mapped file instead (``_decoded_store``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.core.datasets._decoded_store import (
    DecodedCache,
    cache_path,
    open_mapped,
    remove_stale_temporaries,
    write_mapped,
)
from app.core.datasets._images import image_mode, is_gray, to_array
from app.core.datasets._names import shown
from app.core.datasets._records import Dataset
from app.core.errors import DatasetError

if TYPE_CHECKING:
    import torch

_CACHE_SIZE = 3
_CHUNK = 64
_decoded: OrderedDict[tuple[str, int, int], DecodedImages] = OrderedDict()
_gray: dict[str, bool] = {}
_lock = threading.RLock()  # held while decoding, so one dataset is never decoded twice
_count_lock = threading.Lock()  # separate: worker threads bump the count under _lock's holder
_decodes = 0


@dataclass(frozen=True)
class DecodedImages:
    """A dataset's decoded uint8 tensor and where it lives: ``file`` when memory-mapped."""

    tensor: torch.Tensor
    file: Path | None = None
    budget_bytes: int | None = None

    @property
    def mapped(self) -> bool:
        return self.file is not None

    def describe(self) -> str:
        """One line for the person training: which storage was chosen, and why."""
        size = _size(self.tensor.nbytes)
        if self.file is None:
            return f"decoded images are held in memory ({size})"
        budget = _size(self.budget_bytes or 0)
        return (f"decoded images ({size}) exceed the memory budget ({budget}), so they are "
                f"memory-mapped from {self.file}")


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


def decoded_images(dataset: Dataset, size: int, channels: int,
                   cache: DecodedCache | None = None) -> torch.Tensor:
    """uint8 ``N×C×size×size`` for every kept sample, in dataset order; cached."""
    return decode_images(dataset, size, channels, cache).tensor


def decode_images(dataset: Dataset, size: int, channels: int,
                  cache: DecodedCache | None = None) -> DecodedImages:
    """``decoded_images`` with where they live. With ``cache``, a tensor over its budget is
    memory-mapped from a file in ``cache.folder`` (reused when it exists); without, or under
    the budget, it is held in memory. A tensor this process already holds is reused as is."""
    import torch

    key = (content_key(dataset), size, channels)
    with _lock:
        if key in _decoded:
            _decoded.move_to_end(key)
            return _decoded[key]
        files = dataset.files or ()
        shape = (len(files), channels, size, size)
        budget = cache.budget() if cache is not None else 0
        if cache is None or int(np.prod(shape)) <= budget:
            array = np.empty(shape, dtype=np.uint8)
            _decode_into(array, files)
            decoded = DecodedImages(torch.from_numpy(array))
        else:
            path = cache_path(cache.folder, key[0], size, channels)
            if cache.folder.is_dir():
                remove_stale_temporaries(cache.folder)
            mapped = open_mapped(path, shape)
            if mapped is None:
                mapped = write_mapped(path, shape, lambda out: _decode_into(out, files))
            decoded = DecodedImages(torch.from_numpy(mapped), path, budget)
        _decoded[key] = decoded
        while len(_decoded) > _CACHE_SIZE:
            _decoded.popitem(last=False)
        return decoded


def _decode_into(array: np.ndarray, files: tuple[Path, ...]) -> None:
    """Decode ``files`` into ``array`` (``N×C×S×S``, in memory or a mapped file)."""
    channels, size = array.shape[1], array.shape[2]

    def fill(start: int) -> None:
        for index in range(start, min(start + _CHUNK, len(files))):
            array[index] = _decode(files[index], size, channels)

    # PIL releases the GIL while decoding and resizing, so threads help on big photos;
    # chunks keep the per-task overhead small for tiny images.
    workers = min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(fill, range(0, len(files), _CHUNK)))


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


def _size(count: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"
