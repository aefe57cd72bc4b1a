"""Run folders of the first layout (written by d2263c9) load through load_bundle and give the
very predictions the old release stored, so upgrading ModelDesk keeps users' models."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from legacy_assets import COMPLETED_RUNS, IMAGE_RUNS, TEXT_RUNS, install_legacy_catalog

from app.core.config import RunConfig
from app.core.datasets import TableOptions, encode_for_inference, load_dataset, split_dataset
from app.core.engine import load_weights, save_weights
from app.core.models import RunFolder, load_bundle, read_bundle, read_predictions

CLASSES = {"text": ("cooking", "sports", "weather"), "image": ("bar", "dot")}


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The installed asset's folder (the catalog file is left as the old release wrote it)."""
    root = tmp_path_factory.mktemp("legacy")
    install_legacy_catalog(root)
    return root


def _folder(legacy: Path, run_id: int) -> Path:
    return legacy / "catalog_runs" / str(run_id)


def _stored_config(legacy: Path, run_id: int) -> dict[str, Any]:
    with closing(sqlite3.connect(legacy / "catalog.sqlite")) as conn:
        (text,) = conn.execute("SELECT config FROM runs WHERE id = ?", (run_id,)).fetchone()
    return json.loads(text)


@pytest.mark.parametrize("run_id", sorted({**TEXT_RUNS, **IMAGE_RUNS}))
def test_every_first_layout_folder_loads(legacy: Path, run_id: int) -> None:
    architecture = {**TEXT_RUNS, **IMAGE_RUNS}[run_id]
    kind = "text" if run_id in TEXT_RUNS else "image"

    model, bundle = load_bundle(_folder(legacy, run_id))

    assert not (_folder(legacy, run_id) / "bundle.json").exists()
    assert (bundle.architecture, bundle.kind, bundle.class_names) == (
        architecture, kind, CLASSES[kind])
    assert bundle.run_uid is None
    assert bundle.dataset_fingerprint and len(bundle.dataset_fingerprint) == 64
    assert bundle == read_bundle(_folder(legacy, run_id))
    assert not model.training


def test_the_transformer_is_built_with_the_table_of_its_data(legacy: Path) -> None:
    model, bundle = load_bundle(_folder(legacy, 2))
    assert bundle.build_options["max_length"] == bundle.preprocessing.max_length == 12
    assert model.positions.weight.shape[0] == 12


def test_the_lenet_keeps_its_grey_16_pixel_inputs(legacy: Path) -> None:
    _, bundle = load_bundle(_folder(legacy, 3))
    pre = bundle.preprocessing
    assert (pre.image_size, pre.channels, len(pre.mean), len(pre.std)) == (16, 1, 1, 1)


@pytest.mark.parametrize("run_id", COMPLETED_RUNS)
def test_loaded_models_reproduce_the_stored_test_predictions(legacy: Path, run_id: int):
    """Re-split the installed dataset as the run did, encode the test samples with the
    bundle's preprocessing only, and compare with what training stored."""
    config = RunConfig.from_stored(_stored_config(legacy, run_id))
    dataset = load_dataset(config.data.dataset, TableOptions.from_config(config.data))
    split = split_dataset(dataset, config.data.val_fraction, config.data.test_fraction,
                          config.seed)
    stored = read_predictions(RunFolder(_folder(legacy, run_id)).predictions)
    assert stored is not None
    assert stored.indices.tolist() == list(split.test)
    assert stored.targets.tolist() == [dataset.labels[i] for i in split.test]

    model, bundle = load_bundle(_folder(legacy, run_id))
    samples = dataset.texts if bundle.kind == "text" else dataset.files
    items = [samples[i] for i in split.test]
    with torch.inference_mode():
        logits = model(encode_for_inference(bundle.preprocessing, items)).float()
    probabilities = torch.softmax(logits, dim=1).numpy()

    assert probabilities.argmax(axis=1).tolist() == stored.predicted.tolist()
    np.testing.assert_allclose(probabilities, stored.probabilities, atol=1e-5, rtol=0)


def test_a_header_with_the_unsized_table_still_loads(legacy: Path, tmp_path: Path) -> None:
    """Early first-layout runs recorded the default max_length (64) in the header while the
    weights were built for the data's 12: the reader tries the data's length first."""
    tensors, header = load_weights(_folder(legacy, 2) / "model.safetensors")
    options = {**json.loads(header["model_options"]), "max_length": 64}
    save_weights(tmp_path / "model.safetensors", tensors,
                 {**header, "model_options": json.dumps(options)})
    preprocessing = _folder(legacy, 2) / "preprocessing.json"
    (tmp_path / "preprocessing.json").write_bytes(preprocessing.read_bytes())
    assert read_bundle(tmp_path).build_options["max_length"] == 64

    model, bundle = load_bundle(tmp_path)

    assert bundle.build_options["max_length"] == 12
    assert model.positions.weight.shape[0] == 12
    assert torch.equal(model.positions.weight, tensors["positions.weight"])
