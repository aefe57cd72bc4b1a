"""Image decoding shared by validation, training tensors and inference.

Training and "try it" must see pixels prepared the same way, so there is exactly one
convert/resize path here (``to_array``); validation uses ``check_image`` to decode fully,
which is the only reliable way to catch truncated files. Phones store photos sideways and say
so in the EXIF orientation tag; ``to_array`` turns them upright as every viewer does, or a
model would train on (and be tried with) rotated pictures.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageOps

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"})
GRAY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})


def is_image_file(path: Path) -> bool:
    """True for the extensions we accept, compared case-insensitively."""
    return path.suffix.lower() in IMAGE_EXTENSIONS


def check_image(data: bytes) -> str:
    """Fully decode ``data`` and return the image mode; raise ``ValueError`` with a reason.

    ``img.load()`` forces the whole decode, so truncated or corrupt files fail here
    rather than in the middle of training.
    """
    if not data:
        raise ValueError("empty file (0 bytes)")
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return img.mode
    except Image.DecompressionBombError as error:
        raise ValueError(f"image too large to decode safely ({error})") from None
    except Exception as error:  # PIL raises OSError, SyntaxError, ValueError, ...
        raise ValueError(f"cannot decode image ({_describe(error)})") from None


def image_mode(path: Path) -> str:
    """The mode from the file header only (no pixel decoding)."""
    with Image.open(path) as img:
        return img.mode


def is_gray(mode: str) -> bool:
    """Single-channel modes; palette images count as colour."""
    return mode in GRAY_MODES


def to_array(source: Path | Image.Image, size: int, channels: int) -> np.ndarray:
    """Decode, convert and resize to a ``channels×size×size`` uint8 array.

    The EXIF orientation is applied first, transparent pixels are composited onto white
    (what users see in a viewer), 16-bit grayscale is scaled down to 8 bits, and resizing is
    a plain bilinear resize.
    """
    if isinstance(source, Image.Image):
        return _convert(source, size, channels)
    with Image.open(source) as img:
        img.load()
        return _convert(img, size, channels)


def upright(img: Image.Image) -> Image.Image:
    """``img`` turned as its EXIF orientation says (a new image), or ``img`` itself."""
    try:
        if img.getexif().get(ExifTags.Base.Orientation, 1) in range(2, 9):
            return ImageOps.exif_transpose(img)
    except Exception:  # noqa: S110 - unreadable EXIF: keep the pixels as stored
        pass
    return img


def _convert(img: Image.Image, size: int, channels: int) -> np.ndarray:
    img = _flatten(upright(img))
    img = img.convert("L" if channels == 1 else "RGB")
    if img.size != (size, size):
        img = img.resize((size, size), Image.Resampling.BILINEAR)
    array = np.asarray(img, dtype=np.uint8)
    if channels == 1:
        return array[np.newaxis, :, :].copy()
    return np.ascontiguousarray(array.transpose(2, 0, 1))


def _flatten(img: Image.Image) -> Image.Image:
    """Return an image in a mode ``convert("RGB"/"L")`` handles without losing meaning."""
    if img.mode.startswith("I") or img.mode == "F":
        values = np.asarray(img, dtype=np.float64)
        if values.size and values.max() > 255:
            values = values / 257.0
        return Image.fromarray(np.clip(np.rint(values), 0, 255).astype(np.uint8), mode="L")
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in _ALPHA_MODES:
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        composited = Image.alpha_composite(background, rgba)
        return composited.convert("L" if img.mode in ("LA", "La") else "RGB")
    return img


def _describe(error: Exception) -> str:
    """PIL's reason without the in-memory buffer's repr it likes to include."""
    if isinstance(error, Image.UnidentifiedImageError):
        return "not an image PIL recognises"
    text = re.sub(r"\s*<_io\.BytesIO object at 0x[0-9a-f]+>", " data", str(error)).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
