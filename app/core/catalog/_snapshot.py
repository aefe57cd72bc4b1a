"""Read-only opening: which file to read, and a private migrated copy for older schemas.

A read-only catalog may be someone else's file, on a share or in a folder we must not write
to, so it is never migrated in place. When its schema is older than this code's, it is copied
with SQLite's backup API (a consistent snapshot, even while another process writes) into a
private temporary file, the copy is migrated, and reads go to the copy. The copy is a
snapshot: later changes to the original are not seen until the catalog is opened again.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from app.core.catalog import _schema
from app.core.catalog._connection import connect, transaction, translate
from app.core.catalog._identity import check_identity
from app.core.errors import CatalogError

_COMPANIONS = ("", "-journal", "-wal", "-shm")


def read_only_source(path: Path) -> Path | None:
    """Check ``path`` for reading; return a migrated copy to read instead, or ``None``.

    Raises:
        CatalogError: the file is missing, is not a catalog, or was written by a newer
            ModelDesk.
    """
    if not path.exists():
        raise CatalogError(f"there is no catalog file {path}; check the path")
    found = check_identity(path)
    if found > _schema.latest_version():
        raise _schema.too_new(path, found)
    if found == _schema.latest_version():
        return None
    return migrated_copy(path)


def migrated_copy(path: Path) -> Path:
    """Copy ``path`` into a new temporary file and migrate the copy; return the copy's path."""
    fd, name = tempfile.mkstemp(prefix="modeldesk-catalog-", suffix=".sqlite")
    os.close(fd)
    copy = Path(name)
    try:
        try:
            with (
                closing(connect(path, read_only=True)) as source,
                closing(sqlite3.connect(copy, isolation_level=None)) as target,
            ):
                source.backup(target)
                # the copy inherits WAL mode from the header; a private file does not need it
                target.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error as exc:
            raise translate(exc, path) from exc
        with transaction(copy, write=True, shown_as=path) as db:
            _schema.migrate(db, path)
    except BaseException:
        remove_copy(copy)
        raise
    return copy


def remove_copy(copy: Path) -> None:
    """Delete a migrated copy and whatever journal SQLite left beside it (never raises)."""
    for suffix in _COMPANIONS:
        with contextlib.suppress(OSError):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
