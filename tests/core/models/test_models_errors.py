"""Every way a model folder can be unusable is a CheckpointError naming the file at fault,
so the window and batch can tell a person which file to look at (never a traceback)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from legacy_assets import ASSET

from app.core.errors import CheckpointError
from app.core.models import BUNDLE_VERSION, load_bundle, read_bundle, save_bundle
from tests.core.models.bundles import text_bundle, trained_like


def _saved(folder: Path) -> Path:
    bundle = text_bundle()
    save_bundle(folder, bundle, trained_like(bundle).state_dict())
    return folder / "bundle.json"


def _edit(recipe: Path, **changes: object) -> None:
    data = json.loads(recipe.read_text(encoding="utf-8"))
    recipe.write_text(json.dumps({**data, **changes}), encoding="utf-8")


def test_a_missing_folder_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    for reader in (read_bundle, load_bundle):
        with pytest.raises(CheckpointError, match="no trained model") as caught:
            reader(missing)
        assert str(missing) in str(caught.value)


def _corrupt(recipe: Path) -> None:
    recipe.write_text('{"format": "modeldesk-model", "version": ', encoding="utf-8")


def _not_a_bundle(recipe: Path) -> None:
    recipe.write_text(json.dumps(["a", "list"]), encoding="utf-8")


def _newer(recipe: Path) -> None:
    _edit(recipe, version=BUNDLE_VERSION + 1)


def _one_class(recipe: Path) -> None:
    _edit(recipe, class_names=["only"])


def _bad_preprocessing(recipe: Path) -> None:
    _edit(recipe, preprocessing={"kind": "audio"})


@pytest.mark.parametrize(("damage", "words"), [
    (_corrupt, "cannot be read"),
    (_not_a_bundle, "not a ModelDesk model bundle"),
    (_newer, "newer ModelDesk"),
    (_one_class, "at least two classes"),
    (_bad_preprocessing, "unknown preprocessing kind"),
])
def test_an_unreadable_recipe_names_bundle_json(damage: Callable[[Path], None], words: str,
                                                tmp_path: Path) -> None:
    recipe = _saved(tmp_path)
    damage(recipe)
    for reader in (read_bundle, load_bundle):
        with pytest.raises(CheckpointError, match=words) as caught:
            reader(tmp_path)
        assert str(recipe) in str(caught.value)


@pytest.mark.parametrize("changes", [{"architecture": "hypernet9000"},
                                     {"build_options": {"warp_factor": 9}}])
def test_a_recipe_this_modeldesk_cannot_build_names_the_file(changes: dict, tmp_path: Path):
    recipe = _saved(tmp_path)
    _edit(recipe, **changes)
    assert read_bundle(tmp_path).architecture == changes.get("architecture", "transformer")

    with pytest.raises(CheckpointError, match="cannot be built") as caught:
        load_bundle(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_a_recipe_this_modeldesk_cannot_build_is_a_checkpoint_error(tmp_path: Path) -> None:
    _edit(_saved(tmp_path), architecture="hypernet9000")
    with pytest.raises(CheckpointError, match="unknown model 'hypernet9000'"):
        load_bundle(tmp_path)


def test_weights_that_do_not_fit_the_recipe_name_the_weights(tmp_path: Path) -> None:
    bundle = text_bundle()
    save_bundle(tmp_path, bundle, trained_like(text_bundle(d_model=8)).state_dict())

    with pytest.raises(CheckpointError, match="do not fit a transformer model") as caught:
        load_bundle(tmp_path)
    assert str(tmp_path / "model.safetensors") in str(caught.value)


def test_garbage_weights_name_the_weights(tmp_path: Path) -> None:
    _saved(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"\x00not safetensors")
    with pytest.raises(CheckpointError, match="cannot be read") as caught:
        load_bundle(tmp_path)
    assert str(tmp_path / "model.safetensors") in str(caught.value)


def test_a_first_layout_folder_without_preprocessing_names_the_missing_file(
        tmp_path: Path) -> None:
    shutil.copytree(ASSET / "catalog_runs" / "1", tmp_path, dirs_exist_ok=True)
    (tmp_path / "preprocessing.json").unlink()
    for reader in (read_bundle, load_bundle):
        with pytest.raises(CheckpointError, match="is missing") as caught:
            reader(tmp_path)
        assert str(tmp_path / "preprocessing.json") in str(caught.value)
