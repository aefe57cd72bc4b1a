"""Checks that need torch but no catalog: the device exists here, the starting weights fit.

Batch mode runs them for every experiment before the first catalog write, so a missing GPU or
a weights file of another model ends the batch with exit code 2 and an untouched catalog, not
with a failed run after an hour of training the experiments before it.
"""

from __future__ import annotations

from pathlib import Path

from app.core.catalog import Catalog
from app.core.engine import resolve_device
from app.core.errors import CheckpointError, ConfigError
from app.core.runs._execute import build_for
from app.core.runs._init_from import resolve_parent
from app.core.runs._plan import PlannedRun


def preflight(planned: PlannedRun, *, where: str = "",
              catalog: Catalog | str | Path | None = None) -> None:
    """Raise ``ConfigError`` / ``CheckpointError`` (prefixed with ``where``) for a run that
    cannot start on this machine with these files (and, for ``init_from`` naming a run,
    this ``catalog``: a path is read, never created)."""
    prefix = f"{where}: " if where else ""
    try:
        resolve_device(planned.config.runtime.device)
    except ConfigError as error:
        raise ConfigError(f"{prefix}{error}", fields=("device",)) from None
    parent = resolve_parent(planned, catalog, where=where)  # fine-tuning (_init_from.py)
    if planned.config.model.weights or parent is not None:
        try:
            build_for(planned, parent=parent)
        except CheckpointError as error:
            raise CheckpointError(f"{prefix}{error}") from None
        except ConfigError as error:
            raise error.prefixed(where) from None
