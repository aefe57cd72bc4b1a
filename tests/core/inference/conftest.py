"""Module-wide tiny runs: a text run and an image run in one catalog, trained once."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_image_folder, write_text_table

from app.core.catalog import Catalog
from app.core.inference import clear_predictor_cache
from tests.core.inference.inference_runs import IMAGE_CLASSES, TEXT_CLASSES, train


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, int, int, Path]:
    """``(catalog, text run id, image run id, image folder)``."""
    root = tmp_path_factory.mktemp("inference")
    table = write_text_table(root / "topics.csv", rows_per_class=30, classes=TEXT_CLASSES)
    images = write_image_folder(root / "colours", classes=IMAGE_CLASSES, per_class=12)
    catalog = Catalog(root / "catalog.sqlite")
    text_run = train(catalog, table, "bag_of_embeddings", lr=0.05)
    image_run = train(catalog, images, "mlp", image_size=16, lr=0.01)
    return catalog, text_run, image_run, images


@pytest.fixture(autouse=True)
def _fresh_predictor_cache() -> None:
    clear_predictor_cache()
