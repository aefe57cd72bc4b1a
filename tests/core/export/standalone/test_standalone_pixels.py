"""predict.py prepares image files to exactly ModelDesk's pixels (``to_array``), NHWC instead
of CHW: EXIF orientation, transparency, palettes, 16-bit grey, CMYK, odd sizes, real photos."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.core.datasets._images import to_array
from app.core.export import _standalone_predict as predict
from tests.conftest import SAMPLES, SHARED_DATASETS


def tricky_images(folder: Path) -> list[Path]:
    """One file per path through ``to_array``'s conversions."""
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    made: list[Path] = []

    def save(name: str, image: Image.Image, **options) -> None:
        made.append(folder / name)
        image.save(made[-1], **options)

    base = Image.fromarray(rgb)
    for orientation in (3, 6, 8):  # turned by EXIF: 180°, 90° and 270°
        exif = base.getexif()
        exif[0x0112] = orientation
        save(f"exif{orientation}.jpg", base, exif=exif, quality=90)
    rgba = np.dstack([rgb, rng.integers(0, 256, (37, 53), dtype=np.uint8)])
    save("rgba.png", Image.fromarray(rgba, "RGBA"))
    save("la.png", Image.fromarray(rgba[:, :, :2].copy(), "LA"))
    palette = base.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.info["transparency"] = 3
    save("palette_transparent.png", palette, transparency=3)
    save("palette.gif", base.convert("P"))
    save("grey16.png", Image.fromarray(rng.integers(0, 65536, (30, 30), dtype=np.uint16)))
    save("cmyk.jpg", base.convert("CMYK"))
    save("bilevel.bmp", base.convert("1"))
    save("grey.webp", base.convert("L"))
    save("exact_size.png", Image.fromarray(rgb[:32, :32].copy()))
    return made


def assert_same_pixels(paths: list[Path], size: int) -> None:
    for path in paths:
        for channels in (1, 3):
            want = to_array(path, size, channels).transpose(1, 2, 0)
            got = predict.image_pixels(path, size, channels)
            assert got.dtype == np.uint8 and got.shape == (size, size, channels), path
            np.testing.assert_array_equal(got, want, err_msg=f"{path.name}, {channels} ch")


@pytest.mark.parametrize("size", [32, 64])
def test_pixels_equal_to_array_on_tricky_images(tmp_path: Path, size: int) -> None:
    assert_same_pixels(tricky_images(tmp_path), size)


def test_pixels_equal_to_array_on_real_photos_and_the_samples() -> None:
    paths = sorted((SAMPLES / "shapes" / "star").glob("*.png"))[:10]
    photos = sorted((SHARED_DATASETS / "hymenoptera-val-subset").glob("*/*.jpg"))
    assert_same_pixels(paths + photos, 96)
    if not photos:
        pytest.skip(f"{SHARED_DATASETS} is not here; only the sample shapes were compared")
