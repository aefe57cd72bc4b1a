"""``save_bundle`` / ``read_bundle`` / ``load_bundle``: the only way a trained model is stored
and read back. Weights are safetensors and the recipe JSON, so loading never runs code."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.engine import atomic_write, load_weights, save_weights
from app.core.errors import CheckpointError
from app.core.models._build import build_model
from app.core.models._bundle import BUNDLE_FORMAT, ModelBundle
from app.core.models._legacy import legacy_bundle, legacy_candidates
from app.core.models._run_folder import RunFolder

if TYPE_CHECKING:
    from torch import nn


def save_bundle(folder: str | Path, bundle: ModelBundle, state_dict: Mapping[str, Any], *,
                epoch: int | None = None) -> tuple[Path, Path]:
    """Write ``bundle.json``, then the weights; each atomically. Returns both paths.

    In that order a kill in between leaves the new recipe beside the previous best weights,
    which it describes as well (the recipe of a run never changes), never weights without a
    recipe. ``epoch`` goes into the weights file's header for people inspecting it.
    """
    run = RunFolder(Path(folder))
    weights = Path(folder) / bundle.weights_file
    header = {"format": BUNDLE_FORMAT, "architecture": bundle.architecture}
    if epoch is not None:
        header["epoch"] = str(epoch)
    text = json.dumps(bundle.to_json(), ensure_ascii=False, indent=1)
    atomic_write(run.bundle, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    save_weights(weights, state_dict, header)
    return weights, run.bundle


def has_model(folder: str | Path) -> bool:
    """Whether ``folder`` holds weights a bundle (of either layout) can be read for."""
    return RunFolder(Path(folder)).weights.is_file()


def read_bundle(folder: str | Path) -> ModelBundle:
    """The recipe of the model in ``folder`` (either layout), without loading weights.

    Raises:
        CheckpointError: there is no model, or its files cannot be read.
    """
    run = RunFolder(Path(folder))
    if run.bundle.is_file():
        try:
            return ModelBundle.from_json(json.loads(run.bundle.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            raise CheckpointError(f"{run.bundle} cannot be read: {error}") from error
    if run.weights.is_file():
        return legacy_bundle(run)
    raise CheckpointError(f"there is no trained model in {run.path} (no {run.weights.name})")


def load_bundle(folder: str | Path) -> tuple[nn.Module, ModelBundle]:
    """The model in ``folder`` rebuilt on the CPU in eval mode, with its bundle.

    Raises:
        CheckpointError: no model, unreadable files, or weights that do not fit the recipe.
    """
    bundle = read_bundle(folder)
    weights = Path(folder) / bundle.weights_file
    tensors, _ = load_weights(weights)
    candidates = legacy_candidates(bundle) if bundle.run_uid is None else [bundle]
    problem = ""
    for candidate in candidates:
        try:
            module = build_model(candidate)
        except CheckpointError as error:
            recipe = RunFolder(Path(folder)).bundle
            named = recipe if recipe.is_file() else weights
            raise CheckpointError(f"{named}: {error}") from error
        try:
            module.load_state_dict(tensors)
        except RuntimeError as error:
            problem = str(error).splitlines()[0] if str(error) else type(error).__name__
            continue
        return module.to("cpu").eval(), candidate
    raise CheckpointError(f"the weights in {weights} do not fit a {bundle.architecture} model "
                          f"({problem})")
