"""Tiny runs for analysis tests, trained once per test module (see the ``runs`` fixture)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from factories import write_image_folder, write_text_table

from app.core.catalog import Catalog
from tests.core.inference.inference_runs import IMAGE_CLASSES, TEXT_CLASSES, train


@dataclass(frozen=True)
class Runs:
    catalog: Catalog
    table: Path
    images: Path
    good: int  # text, seed 0, trained well
    weak: int  # text, seed 0 (same split), one epoch at a small learning rate
    other_seed: int  # text, seed 1: another split
    image: int
    unfinished: int  # created, never trained


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("analysis")
    table = write_text_table(root / "topics.csv", rows_per_class=30, classes=TEXT_CLASSES)
    images = write_image_folder(root / "colours", classes=IMAGE_CLASSES, per_class=12)
    catalog = Catalog(root / "catalog.sqlite")
    good = train(catalog, table, "bag_of_embeddings", lr=0.05)
    weak = train(catalog, table, "bag_of_embeddings", lr=0.002, epochs=1)
    other_seed = train(catalog, table, "bag_of_embeddings", lr=0.05, seed=1)
    image = train(catalog, images, "mlp", image_size=16, lr=0.01)
    dataset_id = catalog.get_run_record(good).dataset_id
    unfinished = catalog.create_run(name="never ran", model="bag_of_embeddings",
                                    dataset_id=dataset_id, config={"dataset": str(table)},
                                    seed=0, total_epochs=3, environment={})
    return Runs(catalog, table, images, good, weak, other_seed, image, unfinished)
