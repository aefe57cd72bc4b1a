"""Short-lived connections and transactions, and the translation of SQLite errors.

Every catalog operation opens its own connection, runs one transaction and closes it. That is
what makes the catalog safe from any thread (``sqlite3`` connections must not cross threads) and
from several processes (SQLite's file locks arbitrate; WAL lets readers run beside a writer).
Writes start with ``BEGIN IMMEDIATE`` so they take the write lock up front and wait on the busy
timeout instead of failing half-way with ``SQLITE_BUSY`` when a read turns into a write.

Inside a transaction use only ``Database.execute`` and ``Database.query``: sqlite-utils 3's
table helpers (``insert``, ``update``, …) wrap themselves in ``with conn:``, which would commit
our transaction half-way.

Read-only connections (``read_only=True``) go through an SQLite URI with ``mode=ro``; see
:func:`read_only_uri` for why a WAL file without its ``-wal`` is opened ``immutable``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from sqlite_utils import Database

from app.core import testpoints
from app.core.errors import CatalogBusyError, CatalogError

BUSY_TIMEOUT_S = float(os.environ.get("MODELDESK_BUSY_TIMEOUT_S") or 10.0)
"""How long an operation waits for another writer before giving up (tests shorten it with
``MODELDESK_BUSY_TIMEOUT_S`` so a held lock costs them seconds, not minutes)."""


SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite 3 database file."""

HEADER_SIZE = 100


def read_header(path: Path) -> bytes:
    """The file's first 100 bytes (fewer for a short file, ``b""`` for a missing one).

    Plain file I/O, so looking never changes the file the way an SQLite connection may.
    """
    try:
        with open(path, "rb") as handle:
            return handle.read(HEADER_SIZE)
    except FileNotFoundError:
        return b""
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc.strerror or exc}") from exc


def read_only_uri(path: Path) -> str:
    """The SQLite URI that reads ``path`` without writing, creating or locking-out anything.

    ``mode=ro`` alone is not enough for a WAL file whose ``-wal`` is absent (every writer has
    closed it): SQLite then creates empty ``-wal`` and ``-shm`` files beside it and leaves them
    there. With no ``-wal`` there is no unmerged log to read, so ``immutable=1`` reads the file
    as it is and creates nothing. The cost: such a connection takes no locks, so a writer that
    opens the file meanwhile and merges its log could be read half-way; each operation opens a
    new connection, and once a writer has the file its ``-wal`` exists and ``mode=ro`` (with
    proper locking) is used again. Files in rollback-journal mode never need ``immutable``.
    """
    header = read_header(path)
    in_wal_mode = len(header) == HEADER_SIZE and header[18] == 2
    immutable = in_wal_mode and not Path(f"{path}-wal").exists()
    return f"{path.as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def connect(
    path: Path, *, check_same_thread: bool = True, read_only: bool = False
) -> sqlite3.Connection:
    """Open ``path`` with our pragmas; the driver's own transaction handling is switched off."""
    target = read_only_uri(path) if read_only else path
    conn = sqlite3.connect(
        target,
        timeout=BUSY_TIMEOUT_S,
        isolation_level=None,
        check_same_thread=check_same_thread,
        uri=read_only,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            # NORMAL is crash-safe in WAL mode: a killed process never corrupts the file or
            # loses a committed transaction; only a power cut may drop the last few commits.
            conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def transaction(
    path: Path, *, write: bool, read_only: bool = False, shown_as: Path | None = None
) -> Iterator[Database]:
    """Yield a :class:`Database` inside one transaction; commit on success, else roll back.

    Reads use a deferred ``BEGIN`` so several SELECTs see one consistent snapshot.
    ``read_only`` opens a connection that cannot write; ``shown_as`` is the path error messages
    name (the user's catalog when ``path`` is a private copy of it).
    """
    shown = shown_as or path
    try:
        conn = connect(path, read_only=read_only)
    except sqlite3.Error as exc:
        raise translate(exc, shown) from exc
    try:
        db = Database(conn, recursive_triggers=False, execute_plugins=False)
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield db
            if write:
                testpoints.reached(testpoints.CATALOG_WRITE)
            conn.execute("COMMIT")
        except BaseException:
            _rollback_quietly(conn)
            raise
    except sqlite3.Error as exc:
        raise translate(exc, shown) from exc
    finally:
        conn.close()


def open_anchor(path: Path) -> sqlite3.Connection:
    """Open an idle connection that keeps the WAL open for as long as the catalog object lives.

    When the last connection to a WAL file closes, SQLite checkpoints the log into the database
    and deletes it, with fsyncs: that made every write ~15x slower when each operation's
    connection was the last one. The anchor is never used for a query, so it is no shared
    state between threads; it only has to be closed (``Catalog.close`` or garbage collection).
    """
    try:
        conn = connect(path, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            conn.close()
            raise
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    return conn


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    """Roll back without masking the error that got us here."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def ensure_wal(path: Path) -> None:
    """Switch the file to WAL journaling (persistent, so this is a no-op after the first time).

    Switching needs a moment alone with the file; when another process holds it, retry until
    the busy timeout runs out rather than fail the open.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            with closing(connect(path)) as conn:
                # Reading the schema first makes a non-SQLite file fail here, with a clear error.
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() == "wal":
                    return
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() == "wal":
                    return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() > deadline:
                raise translate(exc, path) from exc
        except sqlite3.Error as exc:
            raise translate(exc, path) from exc
        if time.monotonic() > deadline:
            raise CatalogError(f"could not switch the catalog {path} to WAL mode")
        time.sleep(0.05)


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def translate(exc: sqlite3.Error, path: Path) -> CatalogError:
    """Turn an SQLite error into a message a user can act on (the original stays chained)."""
    text = str(exc)
    lower = text.lower()
    if "not a database" in lower or "file is encrypted" in lower:
        return CatalogError(
            f"{path} is not a ModelDesk catalog (it is not an SQLite database); "
            "choose another catalog file or move this one away"
        )
    if "malformed" in lower or "corrupt" in lower:
        return CatalogError(
            f"the catalog {path} is damaged ({text}); restore it from a backup or start a new one"
        )
    if _is_busy(exc):  # worth retrying: nothing was written
        return CatalogBusyError(
            f"the catalog {path} stayed locked by another ModelDesk process for more than "
            f"{BUSY_TIMEOUT_S:g} s; try again"
        )
    if "unable to open" in lower:
        return CatalogError(
            f"cannot open the catalog {path}: check that the folder exists and is writable"
        )
    if "readonly" in lower or "read-only" in lower:
        return CatalogError(f"the catalog {path} is read-only; ModelDesk needs to write to it")
    return CatalogError(f"catalog {path}: {text}")
