"""Reading an experiment file: ``[defaults]``, ``[[experiment]]`` tables and their grids.

Batch mode and the window read files with this one reader, so both accept exactly the same
files. Every problem is reported as a ``ConfigError`` naming the file, the experiment and the
key (or the line and column of a TOML syntax error), before anything trains. A grid becomes a
study: each combination is one of its trials.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.config import RunConfig
from app.core.errors import ConfigError
from app.core.jobs import GRID, StudyPlan, TrainJob, Trial
from app.core.runs import make_config

_TOP_LEVEL = {"defaults", "experiment"}
_PATH_KEYS = ("dataset", "weights")


@dataclass(frozen=True)
class Experiment:
    """One run to make: its validated config, where in the file it came from, and its place
    in a grid's study (``None`` for a plain experiment)."""

    config: RunConfig
    where: str
    trial: Trial | None = None

    @property
    def job(self) -> TrainJob:
        return TrainJob(self.config, where=self.where, trial=self.trial)


def read_experiments(path: Path) -> list[Experiment]:
    """Parse and validate ``path``; grids expand to one ``Experiment`` per combination."""
    path = Path(path)
    document = _parse(path)
    unknown = sorted(set(document) - _TOP_LEVEL)
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key {unknown[0]!r}; expected [defaults] "
                          "and [[experiment]] tables")
    defaults = document.get("defaults", {})
    if not isinstance(defaults, Mapping):
        raise ConfigError(f"{path}: [defaults] must be a table of keys")
    tables = document.get("experiment", [])
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: no experiments; add at least one [[experiment]] table with "
                          "dataset and model keys")
    experiments: list[Experiment] = []
    for number, table in enumerate(tables, start=1):
        experiments.extend(_expand(path, number, {**defaults, **table}))
    return experiments


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"experiment file {path} does not exist") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") \
            from None
    except OSError as error:
        raise ConfigError(f"experiment file {path} cannot be read: {error.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: TOML syntax error: {error}") from None


def _expand(path: Path, number: int, table: dict[str, Any]) -> list[Experiment]:
    base = str(table.get("name") or f"experiment {number}")
    where = f"{path}, experiment {number}" + (f" ({table['name']!r})" if table.get("name") else "")
    grid = table.pop("grid", {})
    if not isinstance(grid, Mapping):
        raise ConfigError(f"{where}: 'grid' must be a table of key = [values]")
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ConfigError(f"{where}: grid key {key!r} must be a non-empty list of values, "
                              f"got {values!r}")
    table = _split_model_options(table)
    keys = list(grid)
    combos = list(itertools.product(*(grid[k] for k in keys))) or [()]
    study = StudyPlan(name=base, kind=GRID, space={k: list(grid[k]) for k in keys},
                      sampler=GRID, planned_trials=len(combos)) if keys else None
    experiments = []
    for number, combo in enumerate(combos):
        values = dict(table)
        for key, value in zip(keys, combo, strict=True):
            _assign(values, key, value)
        if keys:
            suffix = ", ".join(f"{k}={v}" for k, v in zip(keys, combo, strict=True))
            values["name"] = f"{base} [{suffix}]"
        values = _resolve_paths(path.parent, values)
        trial = Trial(study, number) if study is not None else None
        experiments.append(Experiment(make_config(values, where=where), where, trial))
    return experiments


def _split_model_options(table: dict[str, Any]) -> dict[str, Any]:
    """Accept ``[experiment.model_options]`` as a table; everything else passes through."""
    options = table.get("model_options", {})
    if not isinstance(options, Mapping):
        raise ConfigError("'model_options' must be a table of architecture hyperparameters")
    return {**table, "model_options": dict(options)}


def _assign(values: dict[str, Any], key: str, value: Any) -> None:
    """Grid keys may name model options as ``model_options.dropout``."""
    if key.startswith("model_options."):
        values["model_options"] = {**values["model_options"], key.split(".", 1)[1]: value}
    else:
        values[key] = value


def _resolve_paths(folder: Path, values: dict[str, Any]) -> dict[str, Any]:
    """Dataset and weights paths are relative to the experiment file's folder."""
    resolved = dict(values)
    for key in _PATH_KEYS:
        value = resolved.get(key)
        if isinstance(value, str) and value:
            resolved[key] = str((folder / Path(value).expanduser()).resolve())
    return resolved
