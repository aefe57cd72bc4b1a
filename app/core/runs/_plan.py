"""Checking a run before it starts: the model exists, fits the data, the data loads.

Batch mode plans every experiment before training any, so a typo in the last experiment
fails in seconds with exit code 2 instead of after an hour of training.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.augment import check_augmentation
from app.core.config import RunConfig, run_params
from app.core.datasets import (
    Dataset,
    TableOptions,
    apply_label_changes,
    load_dataset,
    split_dataset,
)
from app.core.errors import ConfigError, DatasetError
from app.core.palette import ArchitectureSpec, get_spec, list_specs
from app.core.runs._starting_point import check_starting_point


@dataclass(frozen=True)
class PlannedRun:
    """A validated config with its loaded dataset, ready to train."""

    config: RunConfig
    spec: ArchitectureSpec
    dataset: Dataset

    @property
    def name(self) -> str:
        return self.config.name or f"{self.spec.name} on {Path(self.dataset.path).name}"


def default_values(model: str | None = None) -> dict[str, Any]:
    """The flat values a fresh run of ``model`` starts from: the schema's defaults under the
    palette's training defaults, and the architecture's option defaults in ``model_options``.
    Without a (known) model, the schema's defaults alone."""
    values = {p.name: p.default for p in run_params()}
    try:
        spec = get_spec(model) if model else None
    except ConfigError:
        spec = None
    if spec is not None:
        values.update(spec.training_defaults)
        values["model"] = spec.name
        values["model_options"] = spec.options_with_defaults({})
    return values


def make_config(values: Mapping[str, Any], *, where: str = "") -> RunConfig:
    """A ``RunConfig`` from user values on top of the chosen architecture's training defaults.

    Precedence: explicit values, then the palette's defaults for the model (epochs, batch
    size, optimiser, learning rate), then the schema's own defaults.
    """
    defaults: dict[str, Any] = {}
    model = values.get("model")
    if isinstance(model, str) and model:
        try:
            defaults = dict(get_spec(model).training_defaults)
        except ConfigError as error:
            raise error.prefixed(where) from None
    return RunConfig.from_mapping({**defaults, **values}, where=where)


def plan_run(config: RunConfig, *, where: str = "") -> PlannedRun:
    """Validate ``config`` against the palette and load its dataset (memoised).

    Raises ``ConfigError`` / ``DatasetError`` with messages prefixed by ``where``.
    """
    prefix = f"{where}: " if where else ""
    model = config.model
    try:
        spec = get_spec(model.architecture)
        spec.options_with_defaults(model.options)
    except ConfigError as error:
        raise error.prefixed(where) from None
    check_starting_point(config, spec, prefix)
    if model.weights and not Path(model.weights).is_file():
        raise ConfigError(f"{prefix}weights file {model.weights} does not exist",
                          fields=("weights",))
    try:
        dataset = load_dataset(config.data.dataset, TableOptions.from_config(config.data))
        dataset = apply_label_changes(dataset, config.data.label_changes, where=where)
        # refuses a split that leaves nothing to test, naming the classes too small for it
        split_dataset(dataset, config.data.val_fraction, config.data.test_fraction, config.seed)
    except DatasetError as error:
        raise DatasetError(f"{prefix}{error}") from None
    if dataset.kind != spec.kind:
        fitting = ", ".join(s.name for s in list_specs(dataset.kind))
        raise ConfigError(
            f"{prefix}model {spec.name!r} is for {spec.kind} data but {config.data.dataset} "
            f"holds {dataset.kind} data; choose one of: {fitting}", fields=("model",))
    check_augmentation(config.training, dataset.kind, where=where)
    return PlannedRun(config=config, spec=spec, dataset=dataset)
