"""Smooth synthetic "photos" (no noise) and their re-encoded or rescaled copies, as files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def photo(seed: int, size: int = 96) -> Image.Image:
    """A smooth RGB picture, distinct per seed: a few soft waves and a bright disc."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    channels = []
    for _ in range(3):
        fx, fy, phase = rng.uniform(0.5, 3.0), rng.uniform(0.5, 3.0), rng.uniform(0, 6.3)
        channels.append(0.5 + 0.35 * np.sin(2 * np.pi * (fx * x + fy * y) + phase))
    pixels = np.stack(channels, axis=-1)
    cx, cy, radius = rng.uniform(0.25, 0.75, 2).tolist() + [rng.uniform(0.1, 0.25)]
    pixels[(x - cx) ** 2 + (y - cy) ** 2 < radius**2] = rng.uniform(0.6, 1.0, 3)
    return Image.fromarray((pixels * 255).astype(np.uint8), mode="RGB")


def save(image: Image.Image, path: Path, **options: object) -> Path:
    """Write ``image`` in the format its suffix names (JPEG options such as quality)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    fmt = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}[path.suffix]
    image.save(buffer, format=fmt, **options)
    path.write_bytes(buffer.getvalue())
    return path


def rescaled(image: Image.Image, factor: float) -> Image.Image:
    width, height = image.size
    return image.resize((max(1, round(width * factor)), max(1, round(height * factor))),
                        Image.Resampling.LANCZOS)
