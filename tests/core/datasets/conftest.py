"""Fixtures that write small real datasets to ``tmp_path`` (no mocks: real files, real PIL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ds_files import image_bytes, noisy_bytes, write

from app.core.datasets import clear_dataset_cache

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "datasets"


@pytest.fixture(autouse=True)
def _fresh_dataset_cache() -> Iterator[None]:
    clear_dataset_cache()
    yield
    clear_dataset_cache()


@pytest.fixture
def shared_datasets() -> Path:
    """The team's real offline datasets; tests using them skip cleanly when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared datasets not found at {SHARED}")
    return SHARED.resolve()


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    """A messy image dataset exercising every rule of the image loader.

    cats: RGB png, grayscale jpg, RGBA png, gif, webp (upper-case .PNG too), a corrupt .png,
    a truncated .jpg, a notes.txt, a hidden file; dogs: 3 images, one identical to a cat;
    one loose top-level file; one hidden folder.
    """
    root = tmp_path / "pets"
    shared = noisy_bytes(99)
    write(root / "cats" / "rgb.png", noisy_bytes(1))
    write(root / "cats" / "gray.jpg", noisy_bytes(2, "JPEG", "L"))
    write(root / "cats" / "rgba.png", image_bytes("RGBA", (255, 0, 0, 0)))
    write(root / "cats" / "anim.gif", image_bytes("P", 3, "GIF"))
    write(root / "cats" / "photo.webp", noisy_bytes(4, "WEBP"))
    write(root / "cats" / "UPPER.PNG", noisy_bytes(5))
    write(root / "cats" / "same.png", shared)
    write(root / "cats" / "corrupt.png", bytes(range(256)) * 2)
    write(root / "cats" / "truncated.jpg", noisy_bytes(6, "JPEG", size=64)[:-400])
    write(root / "cats" / "notes.txt", "not an image")
    write(root / "cats" / ".DS_Store", b"\x00\x01")
    write(root / "dogs" / "a.png", noisy_bytes(7))
    write(root / "dogs" / "b.bmp", noisy_bytes(8, "BMP"))
    write(root / "dogs" / "sub" / "c.jpeg", noisy_bytes(9, "JPEG"))
    write(root / "dogs" / "same_as_cat.png", shared)
    write(root / "readme.md", "loose")
    write(root / ".cache" / "x.png", noisy_bytes(10))
    return root


@pytest.fixture
def make_images(tmp_path: Path) -> Callable[..., Path]:
    """Build ``{class: count}`` folders of distinct noisy PNGs (mode RGB or L)."""

    def build(counts: dict[str, int], name: str = "imgs", mode: str = "RGB",
              size: int = 16) -> Path:
        root = tmp_path / name
        seed = 1000
        for label, count in counts.items():
            for i in range(count):
                seed += 1
                write(root / label / f"{i:03d}.png", noisy_bytes(seed, mode=mode, size=size))
        return root

    return build


@pytest.fixture
def make_texts(tmp_path: Path) -> Callable[..., Path]:
    """Build a text folder ``{class: [texts]}`` with one .txt file per text."""

    def build(data: dict[str, list[str]], name: str = "texts") -> Path:
        root = tmp_path / name
        for label, texts in data.items():
            for i, text in enumerate(texts):
                write(root / label / f"{i:03d}.txt", text)
        return root

    return build
