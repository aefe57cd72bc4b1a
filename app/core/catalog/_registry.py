"""Named model versions (MLflow's model registry shape) on the schema v6/v7 registry tables.

A name (``churn``) gets versions 1, 2, … as runs (or a derived file of a run) are registered
under it; aliases (``production``, ``staging``) point at one version each; every change is one
transaction that also appends a ``registry_events`` row (who, when, what, why), and that
history is what ``rollback`` replays. Versions are never renumbered or deleted: ``archive``
retires one, which is what lets its run be deleted (``refuse_deleting_registered``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from app.core.catalog._base import CatalogBase
from app.core.catalog._records import utc_now
from app.core.catalog._registry_records import (
    MODEL_ARTIFACT_KIND,
    REGISTRABLE_STATUSES,
    ModelVersion,
    RegisteredModel,
    RegistryEvent,
    alias_stack,
    check_alias,
    check_model_name,
    check_note,
    check_version,
    current_user,
    event_from_row,
    version_from_row,
)
from app.core.errors import CatalogError

_VERSIONS = """
    SELECT v.*, r.name AS run_name, r.model AS run_model, r.status AS run_status,
           r.trashed_at AS run_trashed_at, r.test_accuracy AS test_accuracy,
           e.kind AS export_kind, e.format AS export_format, e.status AS export_status,
           (SELECT group_concat(a.alias) FROM model_aliases a
            WHERE a.name = v.name AND a.version = v.version) AS aliases
    FROM model_versions v LEFT JOIN runs r ON r.id = v.run_id
    LEFT JOIN model_exports e ON e.id = v.export_id
"""


class CatalogRegistry(CatalogBase):
    """Register, promote, roll back, archive; list names, versions and history; resolve."""

    # ----------------------------------------------------------------------------- writes

    def register_model_version(self, name: str, run_id: int, *, export_id: int | None = None,
                               note: str = "", user: str | None = None) -> ModelVersion:
        """Register a run's model (or one of its derived files) as the next version of ``name``.

        The name is created on first use. Numbers are taken inside the write lock, so two
        processes registering at once get distinct versions; numbers are never reused.

        Raises:
            CatalogError: a bad name, a run without a usable model (not completed or stopped,
                no weights, in the trash), an export of another run or whose check failed.
        """
        name, note, user = check_model_name(name), check_note(note), current_user(user)
        with self._write() as db:
            run = self._run(db, run_id)
            if run.trashed_at is not None:
                raise CatalogError(f"run {run.id} is in the trash; restore it before "
                                   "registering it as a model version")
            has_weights = db.execute("SELECT 1 FROM artifacts WHERE run_id = ? AND kind = ?",
                                     [run.id, MODEL_ARTIFACT_KIND]).fetchone()
            if run.status not in REGISTRABLE_STATUSES or has_weights is None:
                raise CatalogError(
                    f"run {run.id} ({run.name}) is {run.status}"
                    f"{'' if has_weights else ' without recorded weights'}; only a completed or "
                    "stopped run with its weights can be registered as a model version")
            export_uid = None if export_id is None else self._registrable_export(db, run.id,
                                                                                 export_id)
            self._create_name(db, name)
            version = 1 + max(_one(db, "SELECT MAX(version) FROM model_versions WHERE name = ?",
                                   name) or 0,
                              _one(db, "SELECT MAX(version) FROM registry_events WHERE name = ?"
                                   " AND action = 'register'", name) or 0)
            now = utc_now()
            db.execute("INSERT INTO model_versions (name, version, run_id, run_uid, export_id,"
                       " export_uid, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
                       " ?, ?)", [name, version, run.id, run.uid, export_id, export_uid, note,
                                  user, now])
            _event(db, name, "register", version=version, note=note, user=user, at=now)
            return self._version(db, name, version)

    def set_alias(self, name: str, alias: str, version: int, *, note: str = "",
                  user: str | None = None) -> ModelVersion:
        """Point ``alias`` (``production``) of ``name`` at ``version``: a promotion."""
        name, alias, version = check_model_name(name), check_alias(alias), check_version(version)
        note, user = check_note(note), current_user(user)
        with self._write() as db:
            target = self._version(db, name, version)
            self._check_aliasable(target)
            current = _current(db, name, alias)
            if current == version:
                raise CatalogError(f"{alias} of {name} already points at v{version}")
            return self._move_alias(db, name, alias, version, "promote", current, note, user)

    def remove_alias(self, name: str, alias: str, *, note: str = "",
                     user: str | None = None) -> None:
        """Unset an alias (a rollback afterwards points it back where it was)."""
        name, alias = check_model_name(name), check_alias(alias)
        note, user = check_note(note), current_user(user)
        with self._write() as db:
            self._require_name(db, name)
            current = _current(db, name, alias)
            if current is None:
                raise CatalogError(f"{name} has no alias {alias!r} to remove")
            db.execute("DELETE FROM model_aliases WHERE name = ? AND alias = ?", [name, alias])
            _event(db, name, "remove_alias", alias=alias, previous=current, note=note, user=user)

    def rollback(self, name: str, alias: str = "production", *, note: str = "",
                 user: str | None = None) -> ModelVersion:
        """Point ``alias`` back at the version it pointed at before its last change.

        Raises:
            CatalogError: the alias was never changed from an earlier version, or that version
                was archived or its run trashed since (promote a version instead).
        """
        name, alias = check_model_name(name), check_alias(alias)
        note, user = check_note(note), current_user(user)
        with self._write() as db:
            self._require_name(db, name)
            stack = alias_stack(db.query(
                "SELECT action, version FROM registry_events WHERE name = ? AND alias = ?"
                " ORDER BY id", [name, alias]))
            current = _current(db, name, alias)
            target = stack[-2] if len(stack) > 1 else None
            if target is None:
                was = ("was never set" if current is None
                       else f"pointed at no version before v{current}")
                raise CatalogError(f"nothing to roll back to: {alias} of {name} {was}; promote "
                                   "a version instead")
            version = self._version(db, name, target)
            self._check_aliasable(version, doing=f"roll {alias} back to")
            return self._move_alias(db, name, alias, target, "rollback", current, note, user)

    def archive_model_version(self, name: str, version: int, *, note: str = "",
                              user: str | None = None) -> ModelVersion:
        """Retire a version: no alias may point at it again, and its run may be deleted."""
        name, version = check_model_name(name), check_version(version)
        note, user = check_note(note), current_user(user)
        with self._write() as db:
            record = self._version(db, name, version)
            if record.archived_at is not None:
                raise CatalogError(f"{record.label} is already archived")
            if record.aliases:
                raise CatalogError(f"{record.label} is {', '.join(record.aliases)}; point "
                                   "that alias at another version (or remove it) first")
            now = utc_now()
            db.execute("UPDATE model_versions SET archived_at = ? WHERE name = ? AND version = ?",
                       [now, name, version])
            _event(db, name, "archive", version=version, note=note, user=user, at=now)
            return self._version(db, name, version)

    # ----------------------------------------------------------------------------- reads

    def list_registered_models(self) -> list[RegisteredModel]:
        """Every registered name (case-insensitive order) with its version count and aliases."""
        with self._read() as db:
            aliases: dict[str, dict[str, int]] = {}
            for row in db.query("SELECT name, alias, version FROM model_aliases ORDER BY alias"):
                aliases.setdefault(row["name"], {})[row["alias"]] = row["version"]
            return [RegisteredModel(name=row["name"], description=row["description"],
                                    created_at=row["created_at"], versions=row["versions"],
                                    latest_version=row["latest"],
                                    aliases=aliases.get(row["name"], {}))
                    for row in db.query(
                        "SELECT m.*, COUNT(v.version) AS versions, MAX(v.version) AS latest"
                        " FROM registered_models m LEFT JOIN model_versions v USING (name)"
                        " GROUP BY m.name ORDER BY m.name COLLATE NOCASE")]

    def model_versions(self, name: str) -> list[ModelVersion]:
        """The versions of ``name``, oldest first, archived ones included."""
        name = check_model_name(name)
        with self._read() as db:
            self._require_name(db, name)
            return [version_from_row(row) for row in
                    db.query(_VERSIONS + " WHERE v.name = ? ORDER BY v.version", [name])]

    def model_versions_of_run(self, run_id: int) -> list[ModelVersion]:
        """The versions a run stands for (a run detail says "churn v2 (production)")."""
        with self._read() as db:
            return [version_from_row(row) for row in db.query(
                _VERSIONS + " WHERE v.run_id = ? ORDER BY v.name, v.version", [int(run_id)])]

    def registry_history(self, name: str) -> list[RegistryEvent]:
        """Every change to ``name``, oldest first."""
        name = check_model_name(name)
        with self._read() as db:
            self._require_name(db, name)
            return [event_from_row(row) for row in db.query(
                "SELECT * FROM registry_events WHERE name = ? ORDER BY id", [name])]

    def resolve_model(self, name: str, *, alias: str | None = None,
                      version: int | None = None) -> ModelVersion:
        """The version ``alias`` of ``name`` points at, or version ``version``: what Try it
        and export load for "the production version of NAME"."""
        if (alias is None) == (version is None):
            raise CatalogError(f"say which version of {name!r}: an alias (production) or a "
                               "version number, not both")
        name = check_model_name(name)
        with self._read() as db:
            self._require_name(db, name)
            if alias is not None:
                alias = check_alias(alias)
                version = _current(db, name, alias)
                if version is None:
                    raise CatalogError(f"{name} has no alias {alias!r} ({_aliases_text(db, name)}"
                                       f"); promote a version to {alias} first")
            record = self._version(db, name, check_version(version))
            if record.archived_at is not None:
                raise CatalogError(f"{record.label} is archived; pick a live version")
            return record

    # ----------------------------------------------------------------------------- helpers

    def _create_name(self, db: Database, name: str) -> None:
        clash = _one(db, "SELECT name FROM registered_models WHERE name = ? COLLATE NOCASE"
                     " AND name != ?", name, name)
        if clash is not None:
            raise CatalogError(f"model name {name!r} differs from the registered {clash!r} only "
                               f"in case; use {clash!r}")
        db.execute("INSERT OR IGNORE INTO registered_models (name, created_at) VALUES (?, ?)",
                   [name, utc_now()])

    def _move_alias(self, db: Database, name: str, alias: str, version: int, action: str,
                    current: int | None, note: str, user: str) -> ModelVersion:
        db.execute("INSERT INTO model_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT"
                   " (name, alias) DO UPDATE SET version = excluded.version",
                   [name, alias, version])
        _event(db, name, action, version=version, alias=alias, previous=current, note=note,
               user=user)
        return self._version(db, name, version)

    def _require_name(self, db: Database, name: str) -> None:
        if _one(db, "SELECT 1 FROM registered_models WHERE name = ?", name) is None:
            known = [row[0] for row in db.execute(
                "SELECT name FROM registered_models ORDER BY name COLLATE NOCASE")]
            listed = ", ".join(known[:10]) if known else "none yet"
            raise CatalogError(f"no registered model {name!r} in {self._path} "
                               f"(registered: {listed})")

    def _version(self, db: Database, name: str, version: int) -> ModelVersion:
        self._require_name(db, name)
        row = next(db.query(_VERSIONS + " WHERE v.name = ? AND v.version = ?",
                            [name, int(version)]), None)
        if row is None:
            latest = _one(db, "SELECT MAX(version) FROM model_versions WHERE name = ?", name)
            raise CatalogError(f"{name} has no version {version} (its versions: "
                               f"{'none' if latest is None else f'1 to {latest}'})")
        return version_from_row(row)

    def _registrable_export(self, db: Database, run_id: int, export_id: int) -> str:
        row = next(db.query("SELECT uid, run_id, status FROM model_exports WHERE id = ?",
                            [int(export_id)]), None)
        if row is None:
            raise CatalogError(f"no exported model {export_id} in {self._path}")
        if row["run_id"] != run_id:
            raise CatalogError(f"exported model {export_id} was made from run {row['run_id']}, "
                               f"not run {run_id}")
        if row["status"] == "failed":
            raise CatalogError(f"exported model {export_id} failed its check; a model version "
                               "must be one that passed (or was not checked)")
        return str(row["uid"])

    @staticmethod
    def _check_aliasable(version: ModelVersion, *, doing: str = "point an alias at") -> None:
        if version.archived_at is not None:
            raise CatalogError(f"cannot {doing} {version.label}: it is archived")
        if version.run_id is None or version.run_trashed:
            raise CatalogError(f"cannot {doing} {version.label}: its run {version.run_state}; "
                               "restore the run first")


def refuse_deleting_registered(db: Database, run_ids: Iterable[int], doing: str) -> None:
    """Raise when any of the runs stands for a version that is not archived (schema v7)."""
    ids = [int(run_id) for run_id in run_ids]
    if not ids:
        return
    marks = ", ".join("?" * len(ids))
    rows = list(db.query(f"SELECT run_id, name, version FROM model_versions WHERE archived_at IS"
                         f" NULL AND run_id IN ({marks}) ORDER BY run_id, name, version", ids))
    if rows:
        listed = ", ".join(f"run {r['run_id']} is {r['name']} v{r['version']}" for r in rows[:6])
        raise CatalogError(f"cannot {doing}: {listed}; archive those model versions first "
                           "(Models registry page, or main.py --archive NAME VERSION)")


def _one(db: Database, sql: str, *args: object) -> object:
    row = db.execute(sql, list(args)).fetchone()
    return None if row is None else row[0]


def _current(db: Database, name: str, alias: str) -> int | None:
    found = _one(db, "SELECT version FROM model_aliases WHERE name = ? AND alias = ?", name, alias)
    return None if found is None else int(found)  # type: ignore[call-overload]


def _aliases_text(db: Database, name: str) -> str:
    rows = db.execute("SELECT alias, version FROM model_aliases WHERE name = ? ORDER BY alias",
                      [name]).fetchall()
    return "aliases: " + ", ".join(f"{a} → v{v}" for a, v in rows) if rows else "no aliases yet"


def _event(db: Database, name: str, action: str, *, version: int | None = None,
           alias: str | None = None, previous: int | None = None, note: str, user: str,
           at: str | None = None) -> None:
    db.execute("INSERT INTO registry_events (name, action, version, alias, previous_version,"
               " note, user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [name, action, version, alias, previous, note, user, at or utc_now()])
