"""Reading an experiment file: ``[defaults]``, ``[[experiment]]`` tables and their grids.

Batch mode and the window read files with this one reader, so both accept exactly the same
files. Every problem is reported as a ``ConfigError`` naming the file, the experiment and the
key (or the line and column of a TOML syntax error), before anything trains. A grid becomes a
study: each combination is one of its trials (``_grid`` caps how many). Run names must be
unique in a file: the catalog, the summary and ``--resume`` tell runs apart by them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.config import RunConfig
from app.core.datasets import normalise_delimiter
from app.core.errors import ConfigError
from app.core.experiments._grid import assign, check_grid, combinations, grid_cap, grid_size
from app.core.jobs import GRID, SearchJob, StudyPlan, TrainJob, Trial
from app.core.runs import make_config
from app.core.search import SearchPlan

_TOP_LEVEL = {"defaults", "experiment"}
_PATH_KEYS = ("dataset", "weights")


@dataclass(frozen=True)
class Experiment:
    """One run to make: its validated config, where in the file it came from, and its place
    in a grid's study (``None`` for a plain experiment); or a search (``search``), whose
    ``config`` is its base run (the default model, nothing drawn)."""

    config: RunConfig
    where: str
    trial: Trial | None = None
    search: SearchPlan | None = None

    @property
    def job(self) -> TrainJob | SearchJob:
        if self.search is not None:
            return SearchJob(self.search)
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
    if isinstance(tables, Mapping):
        raise ConfigError(f"{path}: write [[experiment]] (double brackets: one table per run), "
                          "not [experiment]")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: no experiments; add at least one [[experiment]] table with "
                          "dataset and model keys")
    experiments: list[Experiment] = []
    for number, table in enumerate(tables, start=1):
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: experiment {number} must be a table of keys "
                              f"([[experiment]]), got {table!r}")
        experiments.extend(_expand(path, number, {**defaults, **table}))
    _check_unique_names(path, experiments)
    return experiments


def _parse(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"experiment file {path} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"experiment file {path} is a folder; give a .toml file") from None
    except OSError as error:
        raise ConfigError(f"experiment file {path} cannot be read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError(f"{path}: not UTF-8 text (line {line}, byte {error.start}); save it "
                          "as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: TOML syntax error: {error}") from None


def _expand(path: Path, number: int, table: dict[str, Any]) -> list[Experiment]:
    base = str(table.get("name") or f"experiment {number}")
    where = f"{path}, experiment {number}" + (f" ({table['name']!r})" if table.get("name") else "")
    cap = grid_cap(table, where)  # [defaults] may hold it for the file's grids
    if "search" in table:
        return [_search(path, base, where, table)]
    grid = check_grid(table.pop("grid", {}), cap, where)
    table = _split_model_options(table, where)
    study = StudyPlan(name=base, kind=GRID, space=grid, sampler=GRID,
                      planned_trials=grid_size(grid)) if grid else None
    experiments = []
    for trial_number, combo in enumerate(combinations(grid)):
        values = dict(table)
        for key, value in combo.items():
            assign(values, key, value)
        if grid:
            values["name"] = f"{base} [{', '.join(f'{k}={v}' for k, v in combo.items())}]"
        values = _resolve_paths(path.parent, values)
        config = make_config(values, where=where)
        _check_delimiter(config, where)
        trial = Trial(study, trial_number) if study is not None else None
        experiments.append(Experiment(config, where, trial))
    return experiments


def _search(path: Path, name: str, where: str, table: dict[str, Any]) -> Experiment:
    """``[experiment.search]``: one experiment whose job runs the whole search."""
    if "grid" in table:
        raise ConfigError(f"{where}: an experiment has either [experiment.grid] or "
                          "[experiment.search], not both (a grid is sampler = \"grid\")",
                          fields=("grid",))
    search = table.pop("search")
    table.pop("name", None)
    values = _resolve_paths(path.parent, _split_model_options(table, where))
    plan = SearchPlan.from_tables(name, values, search, where)
    config = plan.base
    _check_delimiter(config, where)
    return Experiment(config, where, search=plan)


def _split_model_options(table: dict[str, Any], where: str) -> dict[str, Any]:
    """Accept ``[experiment.model_options]`` as a table; everything else passes through."""
    options = table.get("model_options", {})
    if not isinstance(options, Mapping):
        raise ConfigError(f"{where}: 'model_options' must be a table of architecture "
                          f"hyperparameters ([experiment.model_options]), got {options!r}",
                          fields=("model_options",))
    return {**table, "model_options": dict(options)}


def _check_delimiter(config: RunConfig, where: str) -> None:
    """A bad delimiter is the file's mistake: say so here, not when the table is read."""
    if config.data.delimiter:
        try:
            normalise_delimiter(config.data.delimiter)
        except ConfigError as error:
            raise ConfigError(f"{where}: 'delimiter': {error}", fields=("delimiter",)) from None


def _check_unique_names(path: Path, experiments: list[Experiment]) -> None:
    seen: dict[str, Experiment] = {}
    for experiment in experiments:
        name = experiment.config.name.strip()
        if not name:
            continue
        first = seen.setdefault(name.casefold(), experiment)
        if first is experiment:
            continue
        if first.where == experiment.where and first.trial and experiment.trial:
            places = (f"grid combinations {first.trial.number + 1} and "
                      f"{experiment.trial.number + 1} of {first.where.removeprefix(f'{path}, ')}"
                      ": a grid key lists the same value twice")
        else:
            places = f"{_place(path, first)} and {_place(path, experiment)}"
        raise ConfigError(
            f"{path}: two runs are named {name!r} ({places}); the catalog and the summary "
            "tell runs apart by name, so give each experiment its own name", fields=("name",))


def _place(path: Path, experiment: Experiment) -> str:
    where = experiment.where.removeprefix(f"{path}, ")
    trial = experiment.trial
    return where if trial is None else f"{where}, grid combination {trial.number + 1}"


def _resolve_paths(folder: Path, values: dict[str, Any]) -> dict[str, Any]:
    """Dataset and weights paths are relative to the experiment file's folder."""
    resolved = dict(values)
    for key in _PATH_KEYS:
        value = resolved.get(key)
        if isinstance(value, str) and value:
            resolved[key] = str((folder / Path(value).expanduser()).resolve())
    return resolved
