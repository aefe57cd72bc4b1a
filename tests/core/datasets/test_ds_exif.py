"""Phone photos stored sideways with an EXIF orientation are turned upright, identically for
training tensors and for inference (a model trained on upright pictures must be tried on
upright pictures)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from app.core.datasets import ImagePreprocessing, encode_for_inference, load_dataset
from app.core.datasets._image_cache import decoded_images
from app.core.datasets._images import to_array
from tests.bad_inputs.builders import png_bytes, rotated_jpeg

RED, BLUE = 0, 2


def _assert_red_over_blue(array: np.ndarray) -> None:
    """``C×H×W``: the top half red, the bottom half blue, whatever the column."""
    array = np.asarray(array, dtype=np.float64)
    half = array.shape[1] // 2
    top, bottom = array[:, : half - 1], array[:, half + 1 :]
    assert top[RED].min() > 150 and top[BLUE].max() < 100, "the top is not red: sideways?"
    assert bottom[BLUE].min() > 150 and bottom[RED].max() < 100, "the bottom is not blue"


def test_the_photo_really_is_stored_sideways(tmp_path: Path) -> None:
    """Guard: without its EXIF tag the stored pixels are red on the left, 32 wide."""
    with Image.open(rotated_jpeg(tmp_path / "phone.jpg")) as img:
        assert img.size == (32, 16) and img.getexif()[0x0112] == 6
        pixels = np.asarray(img.convert("RGB"))
    assert pixels[:, :12, 0].min() > 150 and pixels[:, 20:, 2].min() > 150


def test_to_array_applies_the_exif_orientation(tmp_path: Path) -> None:
    _assert_red_over_blue(to_array(rotated_jpeg(tmp_path / "phone.jpg"), 8, 3))


def test_training_tensors_are_upright(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    rotated_jpeg(root / "phones" / "phone.jpg")
    for i in range(3):
        (root / "plain").mkdir(parents=True, exist_ok=True)
        (root / "plain" / f"{i}.png").write_bytes(png_bytes((i * 40, 90, 90)))
    dataset = load_dataset(root)

    images = decoded_images(dataset, 8, 3)

    _assert_red_over_blue(images[dataset.sample_ids.index("phones/phone.jpg")].numpy())


def test_inference_turns_files_and_pil_images_upright(tmp_path: Path) -> None:
    path = rotated_jpeg(tmp_path / "phone.jpg")
    identity = ImagePreprocessing(image_size=8, channels=3, mean=(0.0,) * 3, std=(1.0,) * 3)

    with Image.open(path) as opened:
        batch = encode_for_inference(identity, [path, str(path), opened])

    for item in batch:
        _assert_red_over_blue(item.numpy() * 255)
