"""Tiny real runs for compression tests, trained once per session.

A bag-of-embeddings text model on the bundled topics table (under a second) and a narrow
small_cnn on the bundled shapes images (seconds; about 97 % test accuracy), each in its own
catalog so one test's rows never show in another's counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from tests.core.inference.inference_runs import train

SAMPLES = Path(__file__).resolve().parents[3] / "resources" / "samples"


@dataclass(frozen=True)
class TrainedRun:
    catalog: Catalog
    run_id: int


@pytest.fixture(scope="session")
def text_run(tmp_path_factory: pytest.TempPathFactory) -> TrainedRun:
    catalog = Catalog(tmp_path_factory.mktemp("compress-text") / "catalog.sqlite")
    return TrainedRun(catalog, train(catalog, SAMPLES / "topics.csv", "bag_of_embeddings",
                                     epochs=5, lr=0.05))


@pytest.fixture(scope="session")
def cnn_run(tmp_path_factory: pytest.TempPathFactory) -> TrainedRun:
    catalog = Catalog(tmp_path_factory.mktemp("compress-cnn") / "catalog.sqlite")
    return TrainedRun(catalog, train(catalog, SAMPLES / "shapes", "small_cnn", epochs=10,
                                     batch_size=16, lr=0.003, model_options={"width": 8}))
