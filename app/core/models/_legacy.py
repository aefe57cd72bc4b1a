"""Reading bundles of the first run-folder layout (ModelDesk up to d2263c9).

That layout kept the recipe as JSON strings in the weights file's safetensors header (model,
class names, options, sizes, the local run id) and the preprocessing in ``preprocessing.json``.
It is turned into a ``ModelBundle`` here, once, so the rest of ModelDesk knows one format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.core.datasets import preprocessing_from_json
from app.core.errors import CheckpointError
from app.core.models._bundle import ModelBundle
from app.core.models._run_folder import WEIGHTS, RunFolder


def legacy_bundle(folder: RunFolder) -> ModelBundle:
    """The bundle a first-layout run folder describes (reads headers only, never torch)."""
    metadata = _header(folder.weights)
    path = folder.legacy_preprocessing
    try:
        preprocessing_json = json.loads(path.read_text(encoding="utf-8"))
        preprocessing = preprocessing_from_json(preprocessing_json)
    except FileNotFoundError:
        raise CheckpointError(f"{path} is missing, so the model's inputs cannot be prepared; "
                              "train the run again") from None
    except (OSError, ValueError) as error:
        raise CheckpointError(f"{path} cannot be read ({error})") from error
    names = metadata.get("class_names") or preprocessing_json.get("class_names")
    if not names or not isinstance(metadata.get("model"), str):
        raise CheckpointError(f"{folder.weights} lacks the model name or class names; it was "
                              "not written by ModelDesk")
    options = metadata.get("model_options") or {}
    return ModelBundle(architecture=metadata["model"], build_options=dict(options),
                       class_names=tuple(names), preprocessing=preprocessing,
                       weights_file=WEIGHTS.filename,
                       dataset_fingerprint=metadata.get("dataset_fingerprint"), run_uid=None)


def legacy_candidates(bundle: ModelBundle) -> list[ModelBundle]:
    """Option sets to try, best guess first: early first-layout runs recorded a text model's
    options before its position table was sized to the data."""
    options = dict(bundle.build_options)
    max_length = getattr(bundle.preprocessing, "max_length", None)
    if "max_length" in options and max_length is not None and options["max_length"] != max_length:
        sized = ModelBundle(**{**_fields(bundle),
                               "build_options": {**options, "max_length": max_length}})
        return [sized, bundle]
    return [bundle]


def _header(path: Path) -> dict[str, Any]:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="numpy") as handle:
            raw = dict(handle.metadata() or {})
    except Exception as error:
        raise CheckpointError(f"weights file {path} cannot be read ({error})") from error
    return {key: _decode(value) for key, value in raw.items()}


def _decode(value: str) -> Any:
    """Header values are JSON, except strings, which were stored as they are."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def _fields(bundle: ModelBundle) -> dict[str, Any]:
    return {name: getattr(bundle, name) for name in
            ("architecture", "build_options", "class_names", "preprocessing", "weights_file",
             "dataset_fingerprint", "run_uid", "version")}
