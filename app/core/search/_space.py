"""A search space over run settings, checked against the parameter schema before any trial.

``[experiment.search.space]`` maps a run setting (``lr``), ``model`` or a model's option
(``"model_options.dropout"``) to a list of choices or a range ``{low, high, log, step}``. Each
key is looked up in the schema (``run_param``, the palette's ``hyperparams``), so a typo, a
range over text, a value outside the schema's bounds or a log scale over zero is refused with
the file, the experiment and the key named. A model's option applies only in trials that draw
that model (a conditional space); an option no candidate model has is refused.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.config import Param, fmt, run_params
from app.core.errors import ConfigError
from app.core.palette import get_spec

OPTION_PREFIX = "model_options."
UNSEARCHABLE = frozenset({
    "dataset", "name", "model_options", "text_column", "label_column", "delimiter",
    "has_header", "init_from", "weights", "device", "threads", "log_every", "monitor",
})
"""Run settings a search cannot vary: what the data is, where output goes, and ``monitor``
(a trial's monitor is the search metric)."""
_RANGE_KEYS = ("low", "high", "log", "step")
_SYNONYMS = {"learning_rate": "lr", "architecture": "model", "arch": "model",
             "batch": "batch_size", "epoch": "epochs"}
"""Names other tools use, pointed at ours in the unknown-parameter message."""


@dataclass(frozen=True)
class Range:
    """Numbers from ``low`` to ``high`` (inclusive), on a log scale or in ``step``s."""

    key: str
    kind: type  # int or float
    low: float
    high: float
    log: bool = False
    step: float | None = None
    models: tuple[str, ...] = ()  # the models it applies to; () = every trial

    def suggest(self, trial: Any) -> Any:
        if self.kind is int:
            return trial.suggest_int(self.key, int(self.low), int(self.high),
                                     step=int(self.step or 1), log=self.log)
        return trial.suggest_float(self.key, self.low, self.high, step=self.step, log=self.log)

    def grid_values(self) -> list[Any] | None:
        """Every value a grid visits; ``None`` for a continuous range (no grid of it)."""
        if self.log or (self.kind is float and self.step is None):
            return None
        step = self.step or 1
        count = int((self.high - self.low) / step + 1e-9) + 1
        return [self.kind(round(self.low + i * step, 12)) for i in range(count)]


@dataclass(frozen=True)
class Choice:
    """One of ``values`` (already validated and coerced by the schema)."""

    key: str
    values: tuple[Any, ...]
    models: tuple[str, ...] = ()

    def suggest(self, trial: Any) -> Any:
        encoded = [encode_choice(value) for value in self.values]
        picked = trial.suggest_categorical(self.key, encoded)
        return self.values[encoded.index(picked)]

    def grid_values(self) -> list[Any]:
        return list(self.values)


Dimension = Range | Choice


@dataclass(frozen=True)
class SearchSpace:
    """The dimensions in file order; ``model`` (when searched) is drawn first."""

    dimensions: tuple[Dimension, ...]
    default_model: str

    @property
    def models(self) -> tuple[str, ...]:
        model = self.get("model")
        return tuple(model.values) if isinstance(model, Choice) else (self.default_model,)

    def get(self, key: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.key == key), None)

    def suggest(self, trial: Any) -> dict[str, Any]:
        """Draw a trial's values through Optuna's ``trial.suggest_*``; a model's options only
        when that model was drawn."""
        model_dim = self.get("model")
        values: dict[str, Any] = {}
        model = self.default_model
        if model_dim is not None:
            model = values["model"] = model_dim.suggest(trial)
        for dim in self.dimensions:
            if dim.key != "model" and (not dim.models or model in dim.models):
                values[dim.key] = dim.suggest(trial)
        return values

    def grid_points(self) -> list[dict[str, Any]]:
        """Every distinct combination a grid runs (options of models not drawn left out)."""
        points: list[dict[str, Any]] = [{}]
        model_dim = self.get("model")
        ordered = ([model_dim] if model_dim else []) + [d for d in self.dimensions
                                                        if d.key != "model"]
        for dim in ordered:
            values = dim.grid_values() or []
            grown = []
            for point in points:
                model = point.get("model", self.default_model)
                if dim.models and model not in dim.models:
                    grown.append(point)
                else:
                    grown.extend({**point, dim.key: value} for value in values)
            points = grown
        return points

    def fits_grid(self, where: str) -> None:
        """Refuse a continuous range under the grid sampler, naming the key."""
        for dim in self.dimensions:
            if dim.grid_values() is None:
                raise _error(where, dim.key, "the grid sampler needs a list of values or a "
                             "range with a step and no log scale; give a step, a list, or use "
                             "sampler = \"tpe\" or \"random\"")


def parse_space(table: object, *, default_model: str, where: str) -> SearchSpace:
    """The validated space of ``[experiment.search.space]``; ``ConfigError`` otherwise."""
    if not isinstance(table, Mapping) or not table:
        raise ConfigError(f"{where}: a search needs a [experiment.search.space] table with at "
                          "least one key, e.g. lr = {{ low = 1e-4, high = 1e-1, log = true }}",
                          fields=("search.space",))
    dimensions: list[Dimension] = []
    models: tuple[str, ...] = ()
    if "model" in table:
        model_dim = _model_choice(table["model"], where)
        models = model_dim.values
        dimensions.append(model_dim)
    try:
        default_model = get_spec(default_model or models[0]).name
    except ConfigError as error:
        raise ConfigError(f"{where}: {error}", fields=("model",)) from None
    if "model" not in table:
        models = (default_model,)
    for key, value in table.items():
        if key == "model":
            continue
        params, applies_to = _params_for(str(key), models, where)
        dimensions.append(_dimension(str(key), value, params, applies_to, where))
    return SearchSpace(tuple(dimensions), default_model)


def _model_choice(value: object, where: str) -> Choice:
    if not isinstance(value, list) or not value:
        raise _error(where, "model", f"must be a list of model names, got {fmt(value)}")
    names = []
    for name in value:
        try:
            names.append(get_spec(name).name)
        except ConfigError as error:
            raise _error(where, "model", str(error)) from None
    _no_repeats(names, "model", where)
    return Choice("model", tuple(names))


def _params_for(key: str, models: Sequence[str], where: str) -> tuple[list[Param], tuple]:
    """The schema entries ``key`` must satisfy, and the models it is limited to."""
    if key.startswith(OPTION_PREFIX):
        option = key[len(OPTION_PREFIX):]
        having = [m for m in models if option in get_spec(m).option_names]
        if not having:
            offered = "; ".join(f"{m} has {', '.join(get_spec(m).option_names) or 'none'}"
                                for m in models)
            raise _error(where, key, f"no model of the search has the option {option!r} "
                         f"({offered})")
        params = [next(p for p in get_spec(m).hyperparams if p.name == option) for m in having]
        return params, (tuple(having) if len(having) < len(models) else ())
    known = {p.name: p for p in run_params()}
    if key not in known:
        close = difflib.get_close_matches(key, [*known, "model"], n=1)
        if any(key in get_spec(m).option_names for m in models):
            close = [OPTION_PREFIX + key]  # an architecture's option, written without prefix
        close = [_SYNONYMS[key]] if key in _SYNONYMS else close
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise _error(where, key, f"is not a run parameter{hint}; a search varies run settings, "
                     "model, or \"model_options.<option>\"")
    if key in UNSEARCHABLE:
        raise _error(where, key, "cannot be searched; set it in the experiment itself")
    return [known[key]], ()


def _dimension(key: str, value: object, params: list[Param], models: tuple,
               where: str) -> Dimension:
    if isinstance(value, list):
        if not value:
            raise _error(where, key, "the list of choices is empty")
        checked = [_in_schema(params, item, key, where) for item in value]
        _no_repeats(checked, key, where)
        return Choice(key, tuple(checked), models)
    if isinstance(value, Mapping):
        return _range(key, value, params, models, where)
    raise _error(where, key, f"must be a list of choices or a range {{ low = …, high = … }}, "
                 f"got {fmt(value)}; to fix a value, set it in the experiment instead")


def _range(key: str, table: Mapping[str, Any], params: list[Param], models: tuple,
           where: str) -> Range:
    unknown = sorted(set(table) - set(_RANGE_KEYS))
    if unknown:
        raise _error(where, key, f"unknown range key {unknown[0]!r}; use low, high, log, step")
    kind = params[0].type
    if kind not in (int, float):
        raise _error(where, key, "is not a number; give a list of its values to choose from")
    if "low" not in table or "high" not in table:
        raise _error(where, key, "a range needs both low and high")
    low, high = (_number(table[end], kind, f"{end}", key, where) for end in ("low", "high"))
    log = table.get("log", False)
    if not isinstance(log, bool):
        raise _error(where, key, f"log must be true or false, got {fmt(log)}")
    if low >= high:
        raise _error(where, key, f"empty range: low ({fmt(low)}) must be below high "
                     f"({fmt(high)})")
    if log and low <= 0:
        raise _error(where, key, f"a log scale needs low above 0, got {fmt(low)}")
    step = table.get("step")
    if step is not None:
        step = _number(step, kind, "step", key, where)
        if step <= 0:
            raise _error(where, key, f"step must be above 0, got {fmt(step)}")
        if log:
            raise _error(where, key, "a range has either a step or a log scale, not both")
    for end in (low, high):
        _in_schema(params, end, key, where)
    return Range(key, kind, low, high, log, step, models)


def _number(value: Any, kind: type, name: str, key: str, where: str) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and kind is int and float(value) != int(value):
        ok = False
    if not ok:
        what = "a whole number" if kind is int else "a number"
        raise _error(where, key, f"{name} must be {what}, got {fmt(value)}")
    return kind(value)


def _in_schema(params: list[Param], value: Any, key: str, where: str) -> Any:
    """``value`` as every schema entry of ``key`` accepts it (the first one's coercion)."""
    checked = None
    for param in params:
        try:
            coerced = param.validate(value)
        except ConfigError as error:
            owner = f" for model {param.group!r}" if key.startswith(OPTION_PREFIX) else ""
            requirement = getattr(error, "requirement", None)
            rule = f"it must be {requirement}" if requirement else str(error)
            raise _error(where, key, f"{fmt(value)} is outside the schema{owner}: "
                         f"{rule}") from None
        checked = coerced if checked is None else checked
    return checked


def _no_repeats(values: list[Any], key: str, where: str) -> None:
    seen = []
    for value in values:
        if value in seen:
            raise _error(where, key, f"lists {fmt(value)} twice")
        seen.append(value)


def encode_choice(value: Any) -> Any:
    """Optuna's choices must be plain scalars: a tuple (layer widths) travels as JSON text."""
    return json.dumps(list(value)) if isinstance(value, tuple | list) else value


def _error(where: str, key: str, text: str) -> ConfigError:
    return ConfigError(f"{where}: search space {key!r}: {text}", fields=(f"search.space.{key}",))
