"""Helpers that write real image and text files for the datasets tests."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def image_bytes(mode: str, color: object, fmt: str = "PNG", size: int = 8) -> bytes:
    """Encoded bytes of a solid image; small and fast to decode."""
    buffer = io.BytesIO()
    Image.new(mode, (size, size), color).save(buffer, format=fmt)
    return buffer.getvalue()


def noisy_bytes(seed: int, fmt: str = "PNG", mode: str = "RGB", size: int = 16) -> bytes:
    """A random-pixel image, distinct per seed (so content hashes differ)."""
    rng = np.random.default_rng(seed)
    shape = (size, size, 3) if mode == "RGB" else (size, size)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode=mode).save(
        buffer, format=fmt
    )
    return buffer.getvalue()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path
