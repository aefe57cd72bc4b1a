"""A search as an experiment file (or later the window's form) describes it, before any trial.

A ``SearchPlan`` holds the experiment's own values, the validated space and settings, and
turns a trial's drawn values into an ordinary ``RunConfig``. Its ``uid`` is a digest of
everything that defines the search except its budget: running the same file again continues
the same study (finished trials are not run again, a larger ``trials`` extends it), while a
changed space, metric, sampler, seed or base setting starts a new study.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from app.core.config import RunConfig, fmt
from app.core.errors import ConfigError
from app.core.palette import get_spec
from app.core.runs import make_config
from app.core.search._preset import expand_preset
from app.core.search._settings import SearchSettings
from app.core.search._space import OPTION_PREFIX, Choice, SearchSpace, parse_space

KIND = "search"


@dataclass(frozen=True)
class SearchPlan:
    name: str
    where: str
    values: Mapping[str, Any]  # the experiment's flat values, paths resolved
    settings: SearchSettings
    space_table: Mapping[str, Any]  # as written, JSON-able
    space: SearchSpace

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "space_table", MappingProxyType(dict(self.space_table)))

    @classmethod
    def from_tables(cls, name: str, values: Mapping[str, Any], search: object,
                    where: str) -> SearchPlan:
        """Validate ``[experiment.search]`` (``search``) over the experiment's ``values``."""
        if not isinstance(search, Mapping):
            raise ConfigError(f"{where}: 'search' must be a table ([experiment.search]), got "
                              f"{fmt(search)}", fields=("search",))
        search = dict(search)
        if "preset" in search:  # "find the best model": the space follows from the data
            search, values = expand_preset(search, values, where)
        space_table = search.pop("space", None)
        settings = SearchSettings.from_table(search, where)
        default_model = str(values.get("model") or "")
        if not default_model and not (isinstance(space_table, Mapping)
                                      and "model" in space_table):
            raise ConfigError(f"{where}: 'model' is required (the default when the space does "
                              "not draw a model)", fields=("model",))
        space = parse_space(space_table, default_model=default_model, where=where)
        if settings.sampler == "grid":
            space.fits_grid(where)
        plan = cls(name, where, values, settings, dict(space_table or {}), space)
        plan.check_corners()
        return plan

    # ------------------------------------------------------------------ identity and budget
    @property
    def uid(self) -> str:
        settings = self.settings.to_dict()
        for budget in ("trials", "timeout"):
            settings.pop(budget)
        text = json.dumps({"name": self.name, "values": dict(self.values),
                           "space": dict(self.space_table), "settings": settings},
                          sort_keys=True, default=list)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    @property
    def optuna_name(self) -> str:
        """The Optuna study's name in the storage beside the catalog."""
        return f"modeldesk-{self.uid}"

    @property
    def planned_trials(self) -> int | None:
        """The trial budget; a grid's is at most its number of distinct combinations."""
        trials = self.settings.trials
        if self.settings.sampler == "grid":
            size = len(self.space.grid_points())
            return size if trials is None else min(trials, size)
        return trials

    @property
    def sampler_seed(self) -> int:
        return self.settings.seed if self.settings.seed is not None else self.base.seed

    @property
    def base(self) -> RunConfig:
        """The experiment without any drawn value (the default model)."""
        return make_config(self._values_for({}, None), where=self.where)

    # ----------------------------------------------------------------------------- trials
    def trial_name(self, number: int) -> str:
        return f"{self.name} [trial {number}]"

    def trial_config(self, params: Mapping[str, Any], number: int | None) -> RunConfig:
        """The run config of a trial that drew ``params`` (validated like any experiment)."""
        where = self.where if number is None else f"{self.where}, trial {number}"
        config = make_config(self._values_for(params, number), where=where)
        try:
            get_spec(config.model.architecture).options_with_defaults(config.model.options)
        except ConfigError as error:
            raise error.prefixed(where) from None
        return config

    def check_corners(self) -> None:
        """Build the config at each model and each end of every dimension (one at a time),
        so a value the schema allows but the run refuses (a cross-field rule, an option the
        base sets that no candidate model has) is reported before any trial."""
        models = self.space.models
        base_options = dict(self.values.get("model_options") or {})
        for option in base_options:
            if not any(option in get_spec(m).option_names for m in models):
                raise ConfigError(f"{self.where}: 'model_options.{option}' belongs to none of "
                                  f"the search's models ({', '.join(models)})",
                                  fields=(f"model_options.{option}",))
        for model in models:
            drawn = {"model": model} if len(models) > 1 or self.space.get("model") else {}
            self.trial_config(drawn, None)
            for dim in self.space.dimensions:
                if dim.key == "model" or (dim.models and model not in dim.models):
                    continue
                ends = (dim.values[0], dim.values[-1]) if isinstance(dim, Choice) else (
                    dim.low, dim.high)
                for value in ends:
                    try:
                        self.trial_config({**drawn, dim.key: value}, None)
                    except ConfigError as error:
                        raise ConfigError(f"{error} (search space {dim.key!r} = {fmt(value)}"
                                          f", model {model!r})", fields=error.fields) from None

    def _values_for(self, params: Mapping[str, Any], number: int | None) -> dict[str, Any]:
        values = dict(self.values)
        options = dict(values.get("model_options") or {})
        model = params.get("model", values.get("model") or self.space.default_model)
        if "model" in params:  # keep the experiment's options the drawn model has
            names = get_spec(model).option_names
            options = {k: v for k, v in options.items() if k in names}
        values["model"] = model
        for key, value in params.items():
            plain = list(value) if isinstance(value, tuple) else value
            if key.startswith(OPTION_PREFIX):
                options[key[len(OPTION_PREFIX):]] = plain
            elif key != "model":
                values[key] = plain
        values["model_options"] = options
        values["monitor"] = self.settings.monitor
        values["name"] = self.trial_name(number) if number is not None else self.name
        return values

    # ------------------------------------------------------------------------ persistence
    def to_json(self) -> dict[str, Any]:
        """What rebuilds the plan (``from_json``): stored in the catalog study's settings."""
        return {"name": self.name, "where": self.where, "values": _plain(self.values),
                "search": {**_plain(self.settings.to_dict()),
                           "space": _plain(self.space_table)}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SearchPlan:
        # The catalog hands its stored settings back frozen (mapping proxies, which the uid's
        # JSON would write as their keys only): plain dicts first, so the uid is the same.
        data = _plain(data)
        try:
            return cls.from_tables(str(data["name"]), dict(data["values"]),
                                   {k: v for k, v in dict(data["search"]).items()
                                    if v is not None}, str(data.get("where") or data["name"]))
        except (KeyError, TypeError) as error:
            raise ConfigError(f"a saved search is incomplete ({error})") from None


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
