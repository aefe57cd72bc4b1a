"""The preview: a fixed set of training images from a real image folder, augmented per draw."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from factories import write_image_folder, write_text_table

from app.core.augment import PRESETS, AugmentSettings, preview_images, preview_indices
from app.core.datasets import load_dataset, split_dataset, to_array
from app.core.errors import ConfigError


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory):
    return load_dataset(write_image_folder(tmp_path_factory.mktemp("preview") / "images",
                                           per_class=6, size=40))


def test_the_set_is_fixed_training_images_of_every_class(dataset) -> None:
    split = split_dataset(dataset, 0.2, 0.2, seed=0)
    chosen = preview_indices(dataset, 7, split)
    assert len(chosen) == 7 and set(chosen) <= set(split.train)
    assert {dataset.labels[i] for i in chosen[:3]} == {0, 1, 2}  # every class first
    assert chosen == preview_indices(dataset, 7, split)


def test_off_shows_the_originals_decoded_at_the_preview_size(dataset) -> None:
    preview = preview_images(dataset, PRESETS["off"], size=24)
    assert not preview.augmented and preview.images.dtype == np.uint8
    assert preview.images.shape == (len(preview.indices), 3, 24, 24)
    first = dataset.files[preview.indices[0]]
    assert np.array_equal(preview.images[0], to_array(first, 24, 3))
    assert preview.labels[0] == dataset.class_names[dataset.labels[preview.indices[0]]]


def test_a_draw_reproduces_and_another_draw_differs(dataset) -> None:
    medium = PRESETS["medium"]
    one = preview_images(dataset, medium, draw=1, size=24)
    again = preview_images(dataset, medium, draw=1, size=24)
    other = preview_images(dataset, medium, draw=2, size=24)
    original = preview_images(dataset, PRESETS["off"], size=24)
    assert one.augmented and one.indices == original.indices
    assert np.array_equal(one.images, again.images)
    assert not np.array_equal(one.images, other.images)
    assert not np.array_equal(one.images, original.images)


def test_grayscale_previews_keep_one_channel(dataset) -> None:
    preview = preview_images(dataset, AugmentSettings(vflip=1.0), size=16, channels=1)
    original = preview_images(dataset, PRESETS["off"], size=16, channels=1)
    assert preview.images.shape[1] == 1
    assert np.array_equal(preview.images, original.images[:, :, ::-1, :])


def test_text_data_has_no_preview(tmp_path: Path) -> None:
    texts = load_dataset(write_text_table(tmp_path / "t.csv"))
    with pytest.raises(ConfigError, match="image data"):
        preview_images(texts, PRESETS["light"])
