"""What an image looks like at a glance: a 16×16 greyscale thumbnail, once per content.

Near-duplicate search compares these instead of files: the same photo saved as PNG and as
JPEG, or rescaled, gives thumbnails within a grey level or two of each other, while its bytes
(and so its content hash) differ completely. Each distinct content is decoded once per
process (copies share it, and a thumbnail outlives a reload of the same files); JPEGs are
decoded at a reduced scale (``draft``), which a 16-pixel thumbnail cannot tell apart.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from app.core.datasets._images import to_array
from app.core.datasets._records import Dataset

THUMB_SIDE = 16
_DRAFT_SIDE = 4 * THUMB_SIDE
_MAX_REMEMBERED = 500_000  # thumbnails kept (256 bytes each), then the memo starts over
_CHUNK = 64
_thumbs: dict[str, np.ndarray] = {}  # failures are not kept: the next report tries again
_lock = threading.Lock()


def thumbnails(dataset: Dataset) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """``(distinct content hashes, their thumbnails, readable)`` in first-appearance order.

    Thumbnails are ``K×256`` uint8 (row-major 16×16 grey); ``readable[k]`` is False for a
    content whose file no longer decodes (it changed since loading): it is compared with
    nothing rather than failing the whole report.
    """
    first: dict[str, Path] = {}
    for content_hash, file in zip(dataset.content_hashes, dataset.files or (), strict=True):
        first.setdefault(content_hash, file)
    with _lock:
        missing = [(h, f) for h, f in first.items() if h not in _thumbs]
    if missing:
        _compute(missing)
    with _lock:
        found = [_thumbs.get(h) for h in first]
    side = THUMB_SIDE * THUMB_SIDE
    readable = np.array([thumb is not None for thumb in found], dtype=bool)
    array = np.zeros((len(found), side), dtype=np.uint8)
    for row, thumb in enumerate(found):
        if thumb is not None:
            array[row] = thumb
    return tuple(first), array, readable


def thumbnail(file: Path) -> np.ndarray:
    """The flattened 16×16 grey thumbnail of one image file (upright, alpha on white)."""
    with Image.open(file) as img:
        if img.format == "JPEG":
            img.draft("RGB", (_DRAFT_SIDE, _DRAFT_SIDE))
        img.load()
        return to_array(img, THUMB_SIDE, 1).reshape(-1)


def _compute(missing: list[tuple[str, Path]]) -> None:
    def fill(start: int) -> list[tuple[str, np.ndarray | None]]:
        done = []
        for content_hash, file in missing[start:start + _CHUNK]:
            try:
                done.append((content_hash, thumbnail(file)))
            except Exception:  # noqa: BLE001 - changed or vanished since loading
                done.append((content_hash, None))
        return done

    # PIL releases the GIL while decoding and resizing, as in _image_cache.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        chunks = list(pool.map(fill, range(0, len(missing), _CHUNK)))
    with _lock:
        if len(_thumbs) + len(missing) > _MAX_REMEMBERED:
            _thumbs.clear()
        for chunk in chunks:
            _thumbs.update((h, thumb) for h, thumb in chunk if thumb is not None)
