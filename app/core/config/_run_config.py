"""``RunConfig``: everything that defines one training run, in four sections.

``RunConfig.from_mapping`` is the one door user values come through (experiment files, the
window's form): flat keys, each checked by its ``Param``, unknown keys named with a suggestion.
``to_dict`` gives the flat keys plus ``config_version`` as the catalog stores them, and
``from_stored`` reads any stored version back through the upgrade chain.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.config._param import Param
from app.core.config._sections import (
    SECTIONS,
    DataConfig,
    ModelConfig,
    RuntimeConfig,
    TrainingConfig,
    attribute_of,
    params,
)
from app.core.config._upgrade import (
    CONFIG_VERSION,
    RENAMED_KEYS,
    VERSION_KEY,
    upgrade_config,
)
from app.core.errors import ConfigError

_SECTION_OF: dict[str, type] = {p.name: section for section in SECTIONS
                                for p in params(section)}


def run_params() -> tuple[Param, ...]:
    """Every run setting, section by section: what forms, the README and searches list."""
    return tuple(p for section in SECTIONS for p in params(section))


def run_param(name: str) -> Param:
    """The run setting called ``name``; ``ConfigError`` naming the valid keys otherwise."""
    for param in run_params():
        if param.name == name:
            return param
    raise _unknown_key(name, "")


@dataclass(frozen=True)
class RunConfig:
    """A validated run: ``data``, ``model``, ``training`` and ``runtime`` sections."""

    data: DataConfig
    model: ModelConfig
    training: TrainingConfig
    runtime: RuntimeConfig

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, where: str = "") -> RunConfig:
        """Validate flat user values; unknown keys and bad values raise ``ConfigError``.

        ``where`` prefixes messages (e.g. ``"experiments.toml, experiment 'lenet'"``).
        """
        for key, translate in RENAMED_KEYS.items():
            if key in values:
                try:
                    values = translate(dict(values))
                except ConfigError as error:
                    raise error.prefixed(where) from None
        unknown = [key for key in values if key not in _SECTION_OF]
        if unknown:
            raise _unknown_key(sorted(unknown)[0], where)
        chosen: dict[type, dict[str, Any]] = {section: {} for section in SECTIONS}
        for key, value in values.items():
            section = _SECTION_OF[key]
            param = next(p for p in params(section) if p.name == key)
            chosen[section][attribute_of(section, key)] = param.validate(value, where=where)
        for param in run_params():
            if param.required and not values.get(param.name):
                raise ConfigError(f"{_prefix(where)}{param.name!r} is required "
                                  f"({param.help.lower()})", fields=(param.name,))
        config = cls(*(section(**chosen[section]) for section in SECTIONS))
        data = config.data
        if data.val_fraction + data.test_fraction >= 1.0:
            raise ConfigError(
                f"{_prefix(where)}val_fraction + test_fraction must be below 1 "
                f"(got {data.val_fraction} + {data.test_fraction}); leave data to train on",
                fields=("val_fraction", "test_fraction"))
        return config

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any], *, where: str = "") -> RunConfig:
        """A config as the catalog stored it, of any version, validated as today's."""
        return cls.from_mapping(upgrade_config(stored, where=where), where=where)

    def values(self) -> dict[str, Any]:
        """Plain flat values keyed as users write them (no version)."""
        flat: dict[str, Any] = {}
        for section in SECTIONS:
            part = getattr(self, section.SECTION)
            for f in dataclasses.fields(section):
                flat[f.metadata["key"] or f.name] = _plain(getattr(part, f.name))
        return flat

    def to_dict(self) -> dict[str, Any]:
        """What the catalog stores: the flat values plus ``config_version``."""
        return {**self.values(), VERSION_KEY: CONFIG_VERSION}

    def replace(self, **changes: Any) -> RunConfig:
        """A copy with some flat keys changed (validated again)."""
        return RunConfig.from_mapping({**self.values(), **changes})

    @property
    def name(self) -> str:
        return self.runtime.name

    @property
    def seed(self) -> int:
        return self.runtime.seed


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return list(value)
    return value


def _prefix(where: str) -> str:
    return f"{where}: " if where else ""


def _unknown_key(key: str, where: str) -> ConfigError:
    known = sorted(_SECTION_OF)
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(f"{_prefix(where)}unknown key {key!r}{hint}; expected one of: "
                       f"{', '.join(known)}", fields=(key,))
