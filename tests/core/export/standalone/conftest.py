"""Session-wide fixtures of the bundle tests: real tiny runs (trained once, on demand) with
their ONNX export (``app.core.export.export_onnx``) and bundle. The torch-free virtual
environment is the suite's ``torch_free`` fixture (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.export import OnnxExport, export_onnx
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
    export: OnnxExport
    folder: Path
    zip_path: Path


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
            export = export_onnx(module, bundle, root / model / "model.onnx")
            folder, zip_path = write_standalone(export, root / "bundles")
            made[model] = BundledRun(catalog, run_id, export, folder, zip_path)
        return made[model]

    return make
