"""Catalog writes that wait out another program's lock instead of failing the run.

Each catalog write waits the busy timeout (10 s) for the lock; a run's creation and its final
records may wait longer, telling the person who holds the lock, because giving up would throw
away a run nothing is wrong with.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from app.core.errors import CatalogBusyError
from app.core.runs._lock_holders import lock_holders

T = TypeVar("T")
PATIENCE_SECONDS = 600.0


def holders_text(catalog_path: Path) -> str:
    holders = lock_holders(catalog_path)
    return ", ".join(holders) if holders else "another program"


def patiently(write: Callable[[], T], catalog_path: Path, notify: Callable[[str], None], *,
              what: str, patience: float = PATIENCE_SECONDS) -> T:
    """``write()``, retried while the catalog stays locked, up to ``patience`` seconds."""
    deadline = time.monotonic() + patience
    told = False
    while True:
        try:
            return write()
        except CatalogBusyError as error:
            holders = holders_text(catalog_path)
            if time.monotonic() > deadline:
                raise CatalogBusyError(f"{error} ({holders}); {what} could not be "
                                       "written") from error
            if not told:
                notify(f"the catalog is locked by {holders}; waiting to write {what}")
                told = True
