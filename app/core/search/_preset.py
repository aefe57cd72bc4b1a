""""Find the best model": a preset search space for a kind of data, not written by hand.

The space draws every palette entry for the data's kind (pretrained ones only when their
packages are installed, since a trial of a missing package could only fail) and each
entry's key hyperparameters: the learning rate on a log scale, the batch size, and the
options that most change what a model can learn (dropout, width, embedding size) where the
drawn model has them. A wall-time budget ends it; ``_best_run.best_run_report`` names the
winner and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.core.errors import ConfigError
from app.core.palette import get_spec, list_specs

BEST_MODEL = "best_model"
PRESETS = (BEST_MODEL,)
DEFAULT_BUDGET_SECONDS = 600.0

_OPTION_RANGES: dict[str, Any] = {
    "dropout": {"low": 0.0, "high": 0.5},
    "width": [16, 32, 64],
    "embed_dim": [32, 64, 128],
}
"""Architecture options worth searching wherever a drawn model has them."""


def preset_models(kind: str) -> list[str]:
    """The palette entries for ``kind`` a trial can train here (installed packages only)."""
    return [spec.name for spec in list_specs(kind)
            if spec.pretrained is None or spec.pretrained.available]


def preset_space(preset: str, kind: str, where: str) -> dict[str, Any]:
    """The ``[experiment.search.space]`` table of ``preset`` for data of ``kind``."""
    if preset not in PRESETS:
        raise ConfigError(f"{where}: unknown search preset {preset!r}; use "
                          f"{', '.join(repr(p) for p in PRESETS)}", fields=("search.preset",))
    models = preset_models(kind)
    if not models:
        raise ConfigError(f"{where}: no architecture fits {kind} data",
                          fields=("search.preset",))
    space: dict[str, Any] = {
        "model": models,
        "lr": {"low": 1e-4, "high": 3e-2, "log": True},
        "batch_size": [16, 32, 64],
    }
    for option, values in _OPTION_RANGES.items():
        if any(option in get_spec(name).option_names for name in models):
            space[f"model_options.{option}"] = values
    return space


def expand_preset(search: Mapping[str, Any], values: Mapping[str, Any],
                  where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``[experiment.search]`` with ``preset`` replaced by its space, and the experiment's
    values without the options of one model (each drawn model starts from its own)."""
    search = dict(search)
    preset = search.pop("preset")
    if search.get("space"):
        raise ConfigError(f"{where}: [experiment.search] has either a preset or a "
                          "[experiment.search.space] table, not both", fields=("search.space",))
    if not isinstance(preset, str):
        raise ConfigError(f"{where}: 'preset' must be a text such as \"best_model\"",
                          fields=("search.preset",))
    kind = data_kind(values, where)
    search["space"] = preset_space(preset, kind, where)
    search.setdefault("startup_trials", max(5, len(search["space"]["model"])))
    plain = {k: v for k, v in values.items() if k != "model_options"}
    return search, plain


def data_kind(values: Mapping[str, Any], where: str) -> str:
    """The data's kind: the experiment's model's when it names one, else the dataset's."""
    model = values.get("model")
    if model:
        return get_spec(str(model)).kind
    dataset = values.get("dataset")
    if not dataset:
        raise ConfigError(f"{where}: 'dataset' is required", fields=("dataset",))
    if Path(str(dataset)).is_file():
        return "text"
    from app.core.datasets import load_dataset

    return load_dataset(str(dataset)).kind
