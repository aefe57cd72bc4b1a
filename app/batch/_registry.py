"""``--register``, ``--promote``, ``--rollback``, ``--archive`` and ``--versions``: the model
registry from the command line.

Every command needs an existing catalog (a typo in ``--catalog`` never creates an empty one);
bad input is a ``ModelDeskError`` (exit 2 with one ``error:`` line) and writes nothing, because
each registry change is one catalog transaction. ``--versions`` opens the file read-only.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app.core.catalog import Catalog, ModelVersion, RegistryEvent
from app.core.errors import CatalogError, ConfigError
from app.core.runs import find_run

EXIT_OK = 0


def register_version(reference: str, name: str, catalog_path: Path, *, note: str = "",
                     export_id: int | None = None, out: TextIO | None = None) -> int:
    """``--register RUN --name NAME [--export-id N]``: the run (id or uid prefix), or one of
    its exported or compressed files, as NAME's next version."""
    catalog = _open(catalog_path, f"register run {reference}")
    run = find_run(catalog, reference, what=f"--register {reference}", fields=("register",))
    version = catalog.register_model_version(name, run.id, export_id=export_id, note=note)
    what = "" if export_id is None else f" file {export_id} ({version.export_kind}) of"
    print(f"registered{what} run {run.id} ({run.name}, uid {run.uid[:8]}) as {version.label}",
          file=out or sys.stdout)
    return EXIT_OK


def promote_version(name: str, version: str, catalog_path: Path, *, alias: str = "production",
                    note: str = "", out: TextIO | None = None) -> int:
    """``--promote NAME VERSION [--alias A]``: point the alias at that version."""
    number = _version_number(version)
    catalog = _open(catalog_path, f"promote {name} v{version}")
    before = _alias_target(catalog, name, alias)
    promoted = catalog.set_alias(name, alias, number, note=note)
    print(f"{alias} of {name}: {before} → v{promoted.version} (run {promoted.run_id})",
          file=out or sys.stdout)
    return EXIT_OK


def rollback_alias(name: str, catalog_path: Path, *, alias: str = "production", note: str = "",
                   out: TextIO | None = None) -> int:
    """``--rollback NAME [--alias A]``: the alias back to the version it pointed at before."""
    catalog = _open(catalog_path, f"roll back {name}")
    before = _alias_target(catalog, name, alias)
    back = catalog.rollback(name, alias, note=note)
    print(f"rolled back {alias} of {name}: {before} → v{back.version} (run {back.run_id})",
          file=out or sys.stdout)
    return EXIT_OK


def archive_version(name: str, version: str, catalog_path: Path, *, note: str = "",
                    out: TextIO | None = None) -> int:
    """``--archive NAME VERSION``: retire a version so its run may be deleted."""
    number = _version_number(version)
    archived = _open(catalog_path, f"archive {name} v{version}").archive_model_version(
        name, number, note=note)
    print(f"archived {archived.label}; run {archived.run_id} may now be deleted",
          file=out or sys.stdout)
    return EXIT_OK


def show_versions(name: str, catalog_path: Path, *, out: TextIO | None = None) -> int:
    """``--versions NAME``: the versions as a table, then the history of changes."""
    out = out or sys.stdout
    catalog = _open(catalog_path, f"list the versions of {name}", read_only=True)
    versions, history = catalog.model_versions(name), catalog.registry_history(name)
    print(f"{name}: {len(versions)} version(s); catalog {catalog_path}\n", file=out)
    print(_table(("version", "run", "test acc", "export", "aliases", "created", "by", "note"),
                 [_version_row(v) for v in versions]), file=out)
    print("\nhistory:", file=out)
    print(_table(("when", "who", "what", "note"), [_event_row(e) for e in history]), file=out)
    return EXIT_OK


def _open(catalog_path: Path, doing: str, *, read_only: bool = False) -> Catalog:
    if not Path(catalog_path).is_file():
        raise CatalogError(f"cannot {doing}: no catalog at {catalog_path}; check --catalog or "
                           "$MODELDESK_CATALOG")
    return Catalog(catalog_path, read_only=read_only)


def _version_number(text: str) -> int:
    if not str(text).strip().isdigit() or int(text) < 1:
        raise ConfigError(f"VERSION {text!r} is not a version number: give the number from "
                          "--versions NAME (1, 2, …)", fields=("version",))
    return int(text)


def _alias_target(catalog: Catalog, name: str, alias: str) -> str:
    try:
        return f"v{catalog.resolve_model(name, alias=alias).version}"
    except CatalogError:  # unset, or the name is unknown (the write names which)
        return "unset"


def _version_row(version: ModelVersion) -> tuple[str, ...]:
    run = "-" if version.run_id is None else f"{version.run_id} {version.run_name}"
    state = "" if version.run_state == "completed" else f" ({version.run_state})"
    accuracy = "-" if version.test_accuracy is None else f"{version.test_accuracy:.2%}"
    export = "-" if version.export_id is None else \
        f"{version.export_id} {version.export_kind} ({version.export_status})"
    aliases = ", ".join(version.aliases) or ("archived" if version.archived_at else "-")
    return (f"v{version.version}", run + state, accuracy, export, aliases,
            version.created_at[:16].replace("T", " "), version.created_by, version.note)


def _event_row(event: RegistryEvent) -> tuple[str, ...]:
    return (event.at[:19].replace("T", " "), event.user, event.describe(), event.note)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns, two spaces apart; the last column (a note) is not padded."""
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
             .rstrip() for row in (header, *rows)]
    return "\n".join(lines)
