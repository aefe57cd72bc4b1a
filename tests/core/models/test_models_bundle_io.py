"""save_bundle / read_bundle / load_bundle: a trained model comes back exactly, from files a
person can read, and a kill between the two writes still leaves a loadable model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors import safe_open

from app.core.models import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    has_model,
    load_bundle,
    read_bundle,
    save_bundle,
)
from tests.core.models.bundles import BUNDLES, batch, same_state, trained_like

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("kind", list(BUNDLES))
def test_round_trip_gives_the_same_weights_and_outputs(kind: str, tmp_path: Path) -> None:
    bundle = BUNDLES[kind]()
    model = trained_like(bundle)

    save_bundle(tmp_path, bundle, model.state_dict(), epoch=3)
    loaded, loaded_bundle = load_bundle(tmp_path)

    assert loaded_bundle == bundle
    assert same_state(loaded.state_dict(), model.state_dict())
    assert not loaded.training
    assert {t.device.type for t in [*loaded.parameters(), *loaded.buffers()]} == {"cpu"}
    inputs = batch(bundle)
    with torch.inference_mode():
        expected = model(inputs)
        assert torch.isfinite(expected).all()
        assert torch.equal(loaded(inputs), expected)


@pytest.mark.parametrize("kind", list(BUNDLES))
def test_bundle_json_is_the_whole_recipe(kind: str, tmp_path: Path) -> None:
    """The recipe is plain JSON (not pickle) with resolved options, and the weights header
    names the format and epoch for people inspecting the file."""
    bundle = BUNDLES[kind]()
    weights, recipe = save_bundle(tmp_path, bundle, trained_like(bundle).state_dict(), epoch=3)

    data = json.loads(recipe.read_text(encoding="utf-8"))
    assert (recipe.name, weights.name) == ("bundle.json", "model.safetensors")
    assert data["format"] == BUNDLE_FORMAT and data["version"] == BUNDLE_VERSION
    assert data["architecture"] == bundle.architecture
    assert data["build_options"] == dict(bundle.build_options)
    assert set(data["build_options"]) >= {"dropout"}  # defaults are written out, resolved
    assert data["class_names"] == list(bundle.class_names)
    assert data["preprocessing"] == bundle.preprocessing.to_json()
    assert data["preprocessing"]["kind"] == kind
    assert data["weights"] == "model.safetensors"
    assert data["dataset_fingerprint"] == bundle.dataset_fingerprint
    assert data["run_uid"] == bundle.run_uid
    with safe_open(str(weights), framework="numpy") as handle:
        header = handle.metadata()
    assert header == {"format": BUNDLE_FORMAT, "architecture": bundle.architecture,
                      "epoch": "3"}


def test_text_bundle_keeps_the_position_table_it_was_built_with(tmp_path: Path) -> None:
    bundle = BUNDLES["text"]()
    save_bundle(tmp_path, bundle, trained_like(bundle).state_dict())

    loaded, loaded_bundle = load_bundle(tmp_path)

    assert loaded_bundle.build_options["max_length"] == 10
    assert loaded.positions.weight.shape[0] == 10


@pytest.mark.parametrize("layout", ["bundle", "first layout"])
def test_read_bundle_does_not_import_torch(layout: str, tmp_path: Path) -> None:
    """The catalog page lists model recipes for many runs; that must stay cheap."""
    if layout == "bundle":
        bundle = BUNDLES["text"]()
        save_bundle(tmp_path, bundle, trained_like(bundle).state_dict())
    else:
        shutil.copytree(REPO / "tests" / "assets" / "legacy_d2263c9" / "catalog_runs" / "2",
                        tmp_path, dirs_exist_ok=True)
    code = ("import sys\nfrom app.core.models import read_bundle\n"
            f"bundle = read_bundle({str(tmp_path)!r})\n"
            "print(bundle.architecture, 'torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["transformer", "False"]


def test_a_kill_between_the_two_writes_still_loads(tmp_path: Path) -> None:
    """save_bundle writes the recipe first: killed before the new weights land, the folder
    holds the new recipe beside the previous best weights, which still load."""
    bundle = BUNDLES["image"]()
    older, newer = trained_like(bundle, seed=1), trained_like(bundle, seed=2)
    weights, _ = save_bundle(tmp_path, bundle, older.state_dict(), epoch=1)
    kept = tmp_path / "older.safetensors"
    shutil.copyfile(weights, kept)
    save_bundle(tmp_path, bundle, newer.state_dict(), epoch=2)
    assert not same_state(older.state_dict(), newer.state_dict())

    kept.replace(weights)  # as if the second save was killed after writing bundle.json

    loaded, loaded_bundle = load_bundle(tmp_path)
    assert loaded_bundle == bundle
    assert same_state(loaded.state_dict(), older.state_dict())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.json", "model.safetensors"]


def test_recipe_without_weights_is_not_a_model(tmp_path: Path) -> None:
    """A run killed in its first epoch's save has bundle.json but no weights yet."""
    bundle = BUNDLES["text"]()
    weights, _ = save_bundle(tmp_path, bundle, trained_like(bundle).state_dict())
    weights.unlink()

    assert not has_model(tmp_path)
    assert read_bundle(tmp_path) == bundle
