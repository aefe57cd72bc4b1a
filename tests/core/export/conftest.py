"""Module-wide tiny real runs to export: a text run and an image run in one catalog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from factories import write_image_folder, write_text_table

from app.core.catalog import Catalog
from tests.core.inference.inference_runs import IMAGE_CLASSES, TEXT_CLASSES, train


@pytest.fixture(scope="module")
def trained_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``catalog.sqlite``: run 1 text (bag_of_embeddings), run 2 image
    (small_cnn, 16 px); copied per test that damages it."""
    root = tmp_path_factory.mktemp("export")
    table = write_text_table(root / "topics.csv", rows_per_class=30, classes=TEXT_CLASSES)
    images = write_image_folder(root / "colours", classes=IMAGE_CLASSES, per_class=12)
    catalog = Catalog(root / "catalog.sqlite")
    assert train(catalog, table, "bag_of_embeddings", lr=0.05) == 1
    assert train(catalog, images, "small_cnn", image_size=16, lr=0.01,
                 model_options={"width": 8}) == 2
    return root


@pytest.fixture
def own_copy(trained_root: Path, tmp_path: Path) -> Catalog:
    """The trained catalog and run folders copied for one test to damage."""
    copy = tmp_path / "copy"
    shutil.copytree(trained_root, copy)
    return Catalog(copy / "catalog.sqlite")
