"""Checking a run before it starts: the model exists, fits the data, the data loads.

Batch mode plans every experiment before training any, so a typo in the last experiment
fails in seconds with exit code 2 instead of after an hour of training.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.datasets import Dataset, TableOptions, load_dataset
from app.core.engine import RunConfig
from app.core.errors import ConfigError, DatasetError
from app.core.palette import ArchitectureSpec, get_spec, list_specs


@dataclass(frozen=True)
class PlannedRun:
    """A validated config with its loaded dataset, ready to train."""

    config: RunConfig
    spec: ArchitectureSpec
    dataset: Dataset
    model_options: dict[str, Any]

    @property
    def name(self) -> str:
        return self.config.name or f"{self.spec.name} on {Path(self.dataset.path).name}"


def table_options(config: RunConfig) -> TableOptions:
    return TableOptions(text_column=config.text_column, label_column=config.label_column,
                        delimiter=config.delimiter, has_header=config.has_header)


def make_config(values: Mapping[str, Any], *, where: str = "") -> RunConfig:
    """A ``RunConfig`` from user values on top of the chosen architecture's training defaults.

    Precedence: explicit values, then the palette's defaults for the model (epochs, batch
    size, optimiser, learning rate), then ``RunConfig``'s own defaults.
    """
    defaults: dict[str, Any] = {}
    model = values.get("model")
    if isinstance(model, str) and model:
        try:
            defaults = dict(get_spec(model).training_defaults)
        except ConfigError as error:
            raise ConfigError(f"{where}: {error}" if where else str(error)) from None
    return RunConfig.from_mapping({**defaults, **values}, where=where)


def plan_run(config: RunConfig, *, where: str = "") -> PlannedRun:
    """Validate ``config`` against the palette and load its dataset (memoised).

    Raises ``ConfigError`` / ``DatasetError`` with messages prefixed by ``where``.
    """
    prefix = f"{where}: " if where else ""
    try:
        spec = get_spec(config.model)
        options = spec.options_with_defaults(config.model_options)
    except ConfigError as error:
        raise ConfigError(f"{prefix}{error}") from None
    if config.weights and not Path(config.weights).is_file():
        raise ConfigError(f"{prefix}weights file {config.weights} does not exist")
    try:
        dataset = load_dataset(config.dataset, table_options(config))
    except DatasetError as error:
        raise DatasetError(f"{prefix}{error}") from None
    if dataset.kind != spec.kind:
        fitting = ", ".join(s.name for s in list_specs(dataset.kind))
        raise ConfigError(
            f"{prefix}model {spec.name!r} is for {spec.kind} data but {config.dataset} holds "
            f"{dataset.kind} data; choose one of: {fitting}"
        )
    return PlannedRun(config=config, spec=spec, dataset=dataset, model_options=options)
