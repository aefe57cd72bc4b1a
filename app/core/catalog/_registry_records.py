"""The model registry's frozen records and the rules for names, aliases and rollbacks.

Kept apart from the store (``_registry.py``) so the rules read on their own: what a model name
and an alias may look like, who "the user" is, and how the alias history is replayed to find
the version a rollback returns to.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.core.errors import CatalogError

MODEL_ARTIFACT_KIND = "weights"
"""The artifact a run needs to be registered: ``app.core.models.USABLE_MODEL`` (the catalog
sits below the models layer, so it names the kind itself; a test keeps the two equal)."""

REGISTRABLE_STATUSES: tuple[str, ...] = ("completed", "stopped")
"""A run that ended one of these ways with its weights recorded has a model worth naming."""

ACTIONS: tuple[str, ...] = ("register", "promote", "rollback", "remove_alias", "archive")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_ALIAS = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_RESERVED_ALIAS = re.compile(r"latest|v\d+")


@dataclass(frozen=True)
class ModelVersion:
    """One numbered version of a registered name: the run (and derived file) it stands for.

    ``run_id`` is ``None`` once an archived version's run was deleted (``run_uid`` stays);
    ``run_trashed`` says the run is in the trash (it still loads; restore it to keep it).
    """

    name: str
    version: int
    run_id: int | None
    run_uid: str
    export_id: int | None
    export_uid: str | None
    note: str
    created_by: str
    created_at: str
    archived_at: str | None
    aliases: tuple[str, ...]
    run_name: str | None
    run_model: str | None
    run_status: str | None
    run_trashed: bool
    test_accuracy: float | None
    export_kind: str | None
    export_format: str | None
    export_status: str | None

    @property
    def label(self) -> str:
        """``churn v3``: how messages and the window name a version."""
        return f"{self.name} v{self.version}"

    @property
    def run_state(self) -> str:
        """The run as a person needs to know it: its status, in the trash, or deleted."""
        if self.run_id is None:
            return f"deleted (uid {self.run_uid[:8]})"
        return f"{self.run_status}, in the trash" if self.run_trashed else str(self.run_status)


@dataclass(frozen=True)
class RegisteredModel:
    """A registered name with how many versions it has and where its aliases point."""

    name: str
    description: str
    created_at: str
    versions: int
    latest_version: int | None
    aliases: Mapping[str, int]


@dataclass(frozen=True)
class RegistryEvent:
    """One line of a name's history: who did what, when and why (``note``).

    ``version`` is the version registered, archived or that the alias now points at;
    ``previous_version`` the one the alias pointed at before (``None``: it was not set).
    """

    id: int
    name: str
    action: str
    version: int | None
    alias: str | None
    previous_version: int | None
    note: str
    user: str
    at: str

    def describe(self) -> str:
        """A short sentence for tables and the console."""
        before = "unset" if self.previous_version is None else f"v{self.previous_version}"
        if self.action == "register":
            return f"registered v{self.version}"
        if self.action == "archive":
            return f"archived v{self.version}"
        if self.action == "remove_alias":
            return f"removed {self.alias} (was {before})"
        verb = "rolled back" if self.action == "rollback" else "promoted"
        return f"{verb} {self.alias}: {before} → v{self.version}"


def check_model_name(name: Any) -> str:
    """A registered name: 1–64 letters, digits, ``.``, ``_``, ``-``; no spaces or ``@``, so
    ``NAME @ production`` and the command line never need quoting."""
    text = str(name).strip() if isinstance(name, str) else ""
    if _NAME.fullmatch(text) is None:
        raise CatalogError(
            f"model name {name!r} is not allowed: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (for example churn-classifier)")
    return text


def check_alias(alias: Any) -> str:
    """An alias: a lowercase word such as ``production`` or ``staging``; ``latest`` and
    ``v1``-like words are refused because they would read as version numbers."""
    text = str(alias).strip() if isinstance(alias, str) else ""
    if _ALIAS.fullmatch(text) is None or _RESERVED_ALIAS.fullmatch(text):
        raise CatalogError(
            f"alias {alias!r} is not allowed: use a lowercase word of up to 32 letters, digits, "
            "'_' or '-' starting with a letter (production, staging), not 'latest' or 'v<N>'")
    return text


def check_version(version: Any) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise CatalogError(f"model version {version!r} is not a version number (1, 2, …)")
    return version


def check_note(note: Any) -> str:
    if not isinstance(note, str):
        raise CatalogError(f"a registry note must be text, not {type(note).__name__}")
    return note.strip()


def current_user(user: str | None) -> str:
    """``user`` or the operating system's login name (``getpass.getuser``)."""
    if user is not None and str(user).strip():
        return str(user).strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in this environment
        return "unknown"


def alias_stack(events: Iterable[Mapping[str, Any]]) -> list[int | None]:
    """Replay one alias's events (oldest first) into the versions it pointed at, in order.

    A promotion pushes its version, removing the alias pushes ``None`` (unset), and a rollback
    pops: so the last entry is where the alias points, and the one before it is where a
    rollback returns to. Rolling back twice walks back two promotions.
    """
    stack: list[int | None] = [None]
    for event in events:
        if event["action"] == "promote":
            stack.append(event["version"])
        elif event["action"] == "remove_alias":
            stack.append(None)
        elif event["action"] == "rollback" and len(stack) > 1:
            stack.pop()
    return stack


def version_from_row(row: Mapping[str, Any]) -> ModelVersion:
    aliases = tuple(sorted(filter(None, (row["aliases"] or "").split(","))))
    return ModelVersion(
        name=row["name"], version=row["version"], run_id=row["run_id"], run_uid=row["run_uid"],
        export_id=row["export_id"], export_uid=row["export_uid"], note=row["note"],
        created_by=row["created_by"], created_at=row["created_at"],
        archived_at=row["archived_at"], aliases=aliases, run_name=row["run_name"],
        run_model=row["run_model"], run_status=row["run_status"],
        run_trashed=row["run_trashed_at"] is not None, test_accuracy=row["test_accuracy"],
        export_kind=row["export_kind"], export_format=row["export_format"],
        export_status=row["export_status"],
    )  # fmt: skip


def event_from_row(row: Mapping[str, Any]) -> RegistryEvent:
    return RegistryEvent(**{key: row[key] for key in RegistryEvent.__dataclass_fields__})
