"""``[experiment.search]``: the budget, the objective, the sampler and the pruner of a search.

Every key is a ``Param``, so the README, the window's Search form and this reader share one
list of names, defaults and bounds. The direction is never written: it follows from the
metric (accuracies are maximised, losses minimised), so a search cannot aim the wrong way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.config import Param
from app.core.errors import ConfigError

METRIC_DIRECTIONS: dict[str, str] = {
    "val_accuracy": "maximize",
    "val_loss": "minimize",
    "test_accuracy": "maximize",
    "test_macro_f1": "maximize",
}
"""What a search may optimise and which way. ``val_*`` is the best epoch's value (the run's
monitor is set to it); ``test_*`` is measured once on the test split of a completed run."""

SAMPLERS = ("tpe", "random", "grid")
PRUNERS = ("median", "hyperband", "none")

SEARCH_PARAMS: tuple[Param, ...] = (
    Param("trials", None, int, "How many trials to finish (pruned and failed ones count; "
          "interrupted ones do not)", min=1, max=100_000, optional=True, group="search"),
    Param("timeout", None, float, "Wall-time budget in seconds over every session of the "
          "search; a trial that has started is finished", min=0, exclusive_min=True,
          optional=True, group="search"),
    Param("metric", "val_accuracy", str, "What to optimise; the direction follows from it",
          choices=tuple(METRIC_DIRECTIONS), group="search"),
    Param("sampler", "tpe", str, "How trials are chosen: TPE, uniformly at random, or every "
          "combination of a grid", choices=SAMPLERS, group="search"),
    Param("pruner", "median", str, "How poor trials are ended early on the validation metric",
          choices=PRUNERS, group="search"),
    Param("startup_trials", 5, int, "Trials the sampler draws at random and the median pruner "
          "waits for before it judges", min=0, max=10_000, group="search"),
    Param("warmup_epochs", 0, int, "Epochs of a trial the median pruner never prunes "
          "in", min=0, max=100_000, group="search"),
    Param("seed", None, int, "Seed of the sampler (default: the experiment's seed)", min=0,
          max=2**31 - 1, optional=True, group="search"),
    Param("storage", None, str, "Where several workers share the study: a PostgreSQL URL "
          "(postgresql://user@host/db, the password in ~/.pgpass or PGPASSWORD) or an "
          "absolute path to an Optuna journal file on a shared filesystem (default: a "
          "journal beside the catalog, this machine only)", optional=True, group="search"),
)
"""The keys of ``[experiment.search]`` besides its ``space`` table."""


@dataclass(frozen=True)
class SearchSettings:
    """The validated ``[experiment.search]`` keys (all but the space)."""

    metric: str = "val_accuracy"
    sampler: str = "tpe"
    pruner: str = "median"
    trials: int | None = None
    timeout: float | None = None
    startup_trials: int = 5
    warmup_epochs: int = 0
    seed: int | None = None
    storage: str | None = None

    @property
    def shared(self) -> bool:
        """Whether the study lives where other workers can reach it."""
        return self.storage is not None

    @property
    def direction(self) -> str:
        return METRIC_DIRECTIONS[self.metric]

    @property
    def monitor(self) -> str:
        """The run's monitor during a trial: the metric itself, or val_accuracy for a test
        metric (what the pruner compares epoch by epoch)."""
        return self.metric if self.metric.startswith("val_") else "val_accuracy"

    def to_dict(self) -> dict[str, Any]:
        return {p.name: getattr(self, p.name) for p in SEARCH_PARAMS}

    @classmethod
    def from_table(cls, table: Mapping[str, Any], where: str) -> SearchSettings:
        """Validate ``table`` (without ``space``); ``ConfigError`` naming the key otherwise."""
        known = {p.name: p for p in SEARCH_PARAMS}
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise ConfigError(
                f"{where}: unknown key {unknown[0]!r} in [experiment.search]; use "
                f"{', '.join(known)} and a [experiment.search.space] table",
                fields=(f"search.{unknown[0]}",))
        values = {}
        for name, param in known.items():
            value = table.get(name, param.default)
            try:
                values[name] = param.validate(value, where=f"{where}: [experiment.search]")
            except ConfigError as error:
                error.fields = (f"search.{name}",)
                raise
        if values["storage"] is not None:  # an empty form field means "not shared"
            values["storage"] = check_storage(values["storage"], where) or None
        settings = cls(**values)
        if settings.trials is None and settings.timeout is None and settings.sampler != "grid":
            raise ConfigError(
                f"{where}: [experiment.search] needs a budget: trials = N and/or timeout = "
                "seconds (only a grid may leave both out: it runs every combination once)",
                fields=("search.trials",))
        return settings


_URL_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgresql+psycopg2://")


def check_storage(text: str, where: str) -> str:
    """A PostgreSQL URL without a password, or an absolute journal file path (``~`` expanded).

    The password stays out because the catalog keeps the plan, storage included, in clear.
    """
    text = text.strip()
    if not text:
        return ""
    fields = ("search.storage",)
    if "://" in text:
        if not text.startswith(_URL_SCHEMES):
            raise ConfigError(f"{where}: [experiment.search] storage {text!r} is not a "
                              "PostgreSQL URL; use postgresql://user@host:port/database or "
                              "the absolute path of a journal file", fields=fields)
        from urllib.parse import urlsplit

        parts = urlsplit(text)
        if parts.password:
            raise ConfigError(f"{where}: [experiment.search] storage holds a password; remove "
                              "it from the URL and put it in ~/.pgpass or PGPASSWORD (the "
                              "catalog keeps the URL in clear)", fields=fields)
        if not parts.hostname or not parts.path.strip("/"):
            raise ConfigError(f"{where}: [experiment.search] storage {text!r} needs a host and "
                              "a database: postgresql://user@host:port/database", fields=fields)
        return text
    from pathlib import Path

    path = Path(text).expanduser()
    if not path.is_absolute():
        raise ConfigError(f"{where}: [experiment.search] storage {text!r} must be an absolute "
                          "path (every worker opens the same file) or a PostgreSQL URL",
                          fields=fields)
    if not path.parent.is_dir():
        raise ConfigError(f"{where}: [experiment.search] storage: the folder {path.parent} "
                          "does not exist", fields=fields)
    return str(path)
