"""Stored run configs carry ``config_version``; an upgrade chain brings any of them to today's.

Resume, analysis and reproduce read a run's config long after it was written, possibly by an
older ModelDesk. They read it through ``upgrade_config``, so renaming or moving a setting is an
appended step here, never a broken catalog. ``UPGRADES[n - 1]`` turns version ``n`` into
``n + 1``; never edit a released step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.core.errors import ConfigError

VERSION_KEY = "config_version"


def _v1_to_v2(values: dict[str, Any]) -> dict[str, Any]:
    """Version 1 (ModelDesk up to d2263c9) stored the flat keys with no version; version 2
    stores the same keys and names its version."""
    return values


def _v2_to_v3(values: dict[str, Any]) -> dict[str, Any]:
    """Version 3 replaced the ``freeze_backbone`` switch by ``train_layers`` (head, last
    blocks or all); a run that froze its backbone trained its head only, one that did not
    trained everything (it had no packaged weights to start from)."""
    values = dict(values)
    if "freeze_backbone" in values:
        frozen = values.pop("freeze_backbone")
        if not isinstance(frozen, bool):
            raise ConfigError(f"'freeze_backbone' must be true or false (got {frozen!r}); "
                              "it is now written train_layers = \"head\"",
                              fields=("freeze_backbone",))
        values.setdefault("train_layers", "head" if frozen else "all")
    return values


UPGRADES: list[Callable[[dict[str, Any]], dict[str, Any]]] = [_v1_to_v2, _v2_to_v3]

CONFIG_VERSION = len(UPGRADES) + 1
"""The version this ModelDesk writes."""

RENAMED_KEYS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "freeze_backbone": _v2_to_v3,
}
"""Keys users may still write in experiment files, translated as the stored ones are."""


def stored_version(stored: Mapping[str, Any]) -> int:
    """The version of a stored config; one without the key is version 1."""
    version = stored.get(VERSION_KEY, 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(f"stored config has an invalid {VERSION_KEY} {version!r}",
                          fields=(VERSION_KEY,))
    return version


def upgrade_config(stored: Mapping[str, Any], *, where: str = "") -> dict[str, Any]:
    """Today's flat keys from a stored config of any version (without the version key).

    Raises:
        ConfigError: the config was written by a newer ModelDesk.
    """
    version = stored_version(stored)
    if version > CONFIG_VERSION:
        prefix = f"{where}: " if where else ""
        raise ConfigError(
            f"{prefix}the run config was written by a newer ModelDesk (config version "
            f"{version}; this one reads up to {CONFIG_VERSION}); upgrade ModelDesk to use it")
    values = {key: value for key, value in stored.items() if key != VERSION_KEY}
    for step in UPGRADES[version - 1:]:
        values = step(values)
    return values
