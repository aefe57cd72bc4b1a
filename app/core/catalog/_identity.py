"""Is this file a ModelDesk catalog? Answered before anything may change it.

Opening a file read-write and switching it to WAL rewrites its header and leaves ``-wal`` and
``-shm`` files beside it, so that must never happen to someone else's database, a photo or a
text file picked by mistake. :func:`check_identity` reads the header with plain file I/O and
asks SQLite the rest through a read-only connection; only a file it accepts is switched and
migrated. :func:`identity_problem` is the rule itself, also applied again inside the migration
transaction (the file may have changed in between).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from app.core.catalog._connection import (
    HEADER_SIZE,
    SQLITE_HEADER,
    connect,
    read_header,
    translate,
)
from app.core.errors import CatalogError

APPLICATION_ID = 0x4D444B43  # "MDKC": marks an SQLite file as a ModelDesk catalog

_WHAT_TO_DO = "choose another file name for the catalog"


def check_identity(path: Path) -> int:
    """Return the file's schema version (0 for a missing, empty or new file).

    Raises:
        CatalogError: the file is not an SQLite database, or is one that belongs to another
            program; the message names the file and what to do. The file is not changed.
    """
    header = read_header(path)
    if not header:
        return 0  # missing or 0 bytes: a new catalog
    if len(header) < HEADER_SIZE or not header.startswith(SQLITE_HEADER):
        raise CatalogError(
            f"{path} is not a ModelDesk catalog (it is not an SQLite database); {_WHAT_TO_DO}"
        )
    try:
        with closing(connect(path, read_only=True)) as conn:
            conn.execute("BEGIN")  # one snapshot for the three answers
            application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 4"
            )]  # fmt: skip
            conn.execute("COMMIT")
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    problem = identity_problem(path, application_id, version, tables)
    if problem is not None:
        raise problem
    return version


def identity_problem(
    path: Path, application_id: int, version: int, tables: Sequence[str]
) -> CatalogError | None:
    """The error for an SQLite file that is not ours, or ``None`` when we may use it.

    Ours: the ModelDesk application id, or a blank database (version 0, no tables) that the
    first migration will initialise.
    """
    if application_id == APPLICATION_ID:
        return None
    if application_id != 0:
        return CatalogError(
            f"{path} is an SQLite database of another program (application_id "
            f"{application_id:#010x}), not a ModelDesk catalog; {_WHAT_TO_DO}"
        )
    if tables:
        listed = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
        return CatalogError(
            f"{path} is an SQLite database but not a ModelDesk catalog (it holds the tables "
            f"{listed}); {_WHAT_TO_DO}"
        )
    if version != 0:
        return CatalogError(
            f"{path} is an SQLite database but not a ModelDesk catalog (its user_version is "
            f"{version} but it has no ModelDesk application_id); {_WHAT_TO_DO}"
        )
    return None
