"""Finding the one catalog run a user names: a run id, a uid prefix of six or more digits, or
a registered model version (``churn@production``, ``churn@3``: the run that version stands for).

``init_from``, ``--reproduce``, ``--register`` (and ``--export``) take the same references, so
they share this lookup and its messages; ``what`` is how the message names the reference
(``init_from = 3``).
"""

from __future__ import annotations

from app.core.catalog import Catalog, ModelVersion, RunRecord
from app.core.errors import CatalogError, ConfigError

MIN_UID_PREFIX = 6


def find_run(catalog: Catalog, reference: str, *, what: str,
             fields: tuple[str, ...] = ()) -> RunRecord:
    """The run ``reference`` names in ``catalog``; ``ConfigError`` (with ``fields``) when none
    or several match."""
    if "@" in str(reference):
        return _registered_run(catalog, str(reference).strip(), what=what, fields=fields)
    reference = str(reference).strip().lower()
    found: dict[int, RunRecord] = {}
    if reference.isdigit():
        try:
            run = catalog.get_run_record(int(reference))
            found[run.id] = run
        except CatalogError:
            pass
    if len(reference) >= MIN_UID_PREFIX:
        found.update((run.id, run) for run in catalog.runs_by_uid_prefix(reference))
    if not found:
        raise ConfigError(
            f"{what}: {catalog.path} has no run with that id or uid; pick one from the catalog "
            f"(the run id, or at least the first {MIN_UID_PREFIX} digits of its uid)",
            fields=fields)
    if len(found) > 1:
        listed = ", ".join(f"run {run.id} (uid {run.uid[:12]})" for run in found.values())
        raise ConfigError(f"{what} is ambiguous: it matches {listed}; give more digits of the "
                          "uid", fields=fields)
    return next(iter(found.values()))


def find_version(catalog: Catalog, reference: str, *, what: str,
                 fields: tuple[str, ...] = ()) -> ModelVersion | None:
    """The model version ``NAME@ALIAS`` or ``NAME@VERSION`` (``v3`` or ``3``) names, or
    ``None`` for a run reference (an id or uid prefix)."""
    if "@" not in str(reference):
        return None
    name, _, which = (part.strip() for part in str(reference).partition("@"))
    number = which[1:] if which[:1] in "vV" and which[1:].isdigit() else which
    try:
        return (catalog.resolve_model(name, version=int(number)) if number.isdigit()
                else catalog.resolve_model(name, alias=which))
    except CatalogError as error:
        raise ConfigError(f"{what}: {error}", fields=fields) from None


def _registered_run(catalog: Catalog, reference: str, *, what: str,
                    fields: tuple[str, ...]) -> RunRecord:
    """``NAME@ALIAS`` or ``NAME@VERSION`` → the run of that version."""
    version = find_version(catalog, reference, what=what, fields=fields)
    assert version is not None
    try:
        if version.run_id is None:
            raise CatalogError(f"{version.label}'s run was deleted")
        return catalog.get_run_record(version.run_id)
    except CatalogError as error:
        raise ConfigError(f"{what}: {error}", fields=fields) from None
