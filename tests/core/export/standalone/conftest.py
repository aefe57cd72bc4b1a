"""Session-wide fixtures of the bundle tests: one torch-free virtual environment, and real tiny
runs (trained once, on demand) with their ONNX export and bundle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from standalone_helpers import TorchFreePython, export_for_tests, make_torch_free_venv

from app.core.catalog import Catalog
from app.core.export._standalone import write_standalone
from app.core.models import load_bundle
from tests.conftest import SAMPLES
from tests.core.inference.inference_runs import train

# (dataset, overrides) per architecture: seconds each on one CPU thread
RECIPES = {
    "small_cnn": (SAMPLES / "shapes", {"image_size": 32, "epochs": 2}),
    "bag_of_embeddings": (SAMPLES / "topics.csv", {"epochs": 3, "lr": 0.05}),
    "minilm": (SAMPLES / "topics.csv", {"epochs": 1}),
}


@dataclass(frozen=True)
class BundledRun:
    catalog: Catalog
    run_id: int
    export: object  # the (test) OnnxExport
    folder: Path
    zip_path: Path


@pytest.fixture(scope="session")
def torch_free(tmp_path_factory: pytest.TempPathFactory) -> TorchFreePython:
    """Created once per test session (about 10 s with a warm pip cache)."""
    return make_torch_free_venv(tmp_path_factory.mktemp("torch_free") / "venv")


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], BundledRun]:
    """``bundled("small_cnn")``: that architecture trained, exported and bundled, once."""
    root = tmp_path_factory.mktemp("bundled")
    catalog = Catalog(root / "catalog.sqlite")
    made: dict[str, BundledRun] = {}

    def make(model: str) -> BundledRun:
        if model not in made:
            dataset, overrides = RECIPES[model]
            run_id = train(catalog, dataset, model, **overrides)
            module, bundle = load_bundle(catalog.get_run_record(run_id).run_dir)
            export = export_for_tests(module, bundle, root / model / "model.onnx")
            folder, zip_path = write_standalone(export, root / "bundles")
            made[model] = BundledRun(catalog, run_id, export, folder, zip_path)
        return made[model]

    return make
