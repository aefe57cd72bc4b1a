"""Grid tables: validate, count and expand ``[experiment.grid]`` before anything is built.

A grid multiplies: five keys of ten values are 100,000 runs, which would otherwise start
training without a word (each run seconds to hours). The count is computed from the list
lengths before any combination exists, and above ``max_grid_runs`` (default 1,000; set it in
the ``[[experiment]]`` or in ``[defaults]``) the file is refused with the count and the key.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from typing import Any

from app.core.config import Param
from app.core.errors import ConfigError

MAX_GRID_RUNS = Param(
    name="max_grid_runs", default=1000, type=int, min=1, max=1_000_000, group="experiment",
    help="Largest number of runs one grid may expand to; a bigger grid is refused")
"""An experiment-file key, not a run setting: it is read here and never reaches a run."""


def grid_cap(table: dict[str, Any], where: str) -> int:
    """Pop ``max_grid_runs`` from ``table`` and return it validated (the default if unset)."""
    if MAX_GRID_RUNS.name not in table:
        return MAX_GRID_RUNS.default
    return MAX_GRID_RUNS.validate(table.pop(MAX_GRID_RUNS.name), where=where)


def check_grid(grid: object, cap: int, where: str) -> dict[str, list[Any]]:
    """The grid as ``{key: values}``; ``ConfigError`` naming the key or the count if invalid."""
    if not isinstance(grid, Mapping):
        raise ConfigError(f"{where}: 'grid' must be a table of key = [values], got {grid!r}",
                          fields=("grid",))
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ConfigError(f"{where}: grid key {key!r} must be a non-empty list of values, "
                              f"got {values!r}", fields=(key,))
    count = grid_size(grid)
    if count > cap:
        sizes = " × ".join(f"{key}: {len(values)}" for key, values in grid.items())
        raise ConfigError(
            f"{where}: the grid makes {count:,} runs ({sizes} values), more than "
            f"max_grid_runs = {cap:,}; remove values, or raise the cap with max_grid_runs = "
            f"{count} in this [[experiment]] or in [defaults]", fields=(MAX_GRID_RUNS.name,))
    return {str(key): list(values) for key, values in grid.items()}


def grid_size(grid: Mapping[str, list[Any]]) -> int:
    """How many runs the grid makes (1 for an empty grid), without making them."""
    return math.prod(len(values) for values in grid.values())


def combinations(grid: dict[str, list[Any]]) -> Iterator[dict[str, Any]]:
    """Each combination as ``{key: value}``, the last key varying fastest; one empty
    combination for an empty grid."""
    keys = list(grid)
    for combo in itertools.product(*(grid[key] for key in keys)):
        yield dict(zip(keys, combo, strict=True))


def assign(values: dict[str, Any], key: str, value: Any) -> None:
    """Grid keys may name model options as ``model_options.dropout``."""
    if key.startswith("model_options."):
        values["model_options"] = {**values["model_options"], key.split(".", 1)[1]: value}
    else:
        values[key] = value
