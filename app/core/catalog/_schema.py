"""Schema of the catalog file and the ordered migrations that build it.

The schema version is SQLite's ``PRAGMA user_version``: migration ``MIGRATIONS[n]`` takes a
file from version ``n`` to ``n + 1``. A fresh file is version 0, so the first migration creates
everything. To change the schema, append a function; never edit a released one. All pending
migrations run inside the caller's single ``BEGIN IMMEDIATE`` transaction together with the
``user_version`` bumps, so a process killed mid-upgrade leaves the old version intact and two
processes opening one old file upgrade it exactly once.

Version 1 created the tables, 2 added the trash, 3 (``_schema_v3``) added uids and studies
and dropped the CHECK on ``runs.status``, 4 (``_schema_v4``) made metrics compact and added the
heartbeat, run health and dataset reports, 5 (``_schema_v5``) the link from a reproduction to
the run it re-ran, 6 (``_schema_v6``) derived models (exports, compressed
versions) and the model registry, 7 (``_schema_v7``) archived model versions and the trigger
keeping their runs, 8 (``_schema_v8``) the analyst's label changes per dataset. The v1
statements below still carry that CHECK: they are what version-1 files contain, and a fresh
file runs every migration in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from app.core.catalog._identity import APPLICATION_ID, identity_problem
from app.core.catalog._schema_v3 import v3_uids_studies_open_statuses
from app.core.catalog._schema_v4 import v4_compact_metrics_liveness_health
from app.core.catalog._schema_v5 import v5_reproductions
from app.core.catalog._schema_v6 import v6_exports_and_registry
from app.core.catalog._schema_v7 import v7_archived_versions
from app.core.catalog._schema_v8 import v8_label_changes
from app.core.errors import CatalogError

Migration = Callable[[Database], None]

_V1_STATEMENTS: tuple[str, ...] = (
    f"PRAGMA application_id = {APPLICATION_ID}",
    """
    CREATE TABLE datasets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL,
        kind TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        class_names TEXT NOT NULL DEFAULT '[]',
        class_counts TEXT NOT NULL DEFAULT '{}',
        num_samples INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (fingerprint, path)
    )
    """,
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN
            ('queued', 'running', 'completed', 'stopped', 'failed', 'diverged')),
        model TEXT NOT NULL,
        dataset_id INTEGER NOT NULL REFERENCES datasets (id),
        parent_run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        config TEXT NOT NULL DEFAULT '{}',
        seed INTEGER,
        device TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        wall_seconds REAL,
        epochs_done INTEGER NOT NULL DEFAULT 0,
        total_epochs INTEGER,
        message TEXT NOT NULL DEFAULT '',
        environment TEXT NOT NULL DEFAULT '{}',
        pid INTEGER,
        hostname TEXT,
        best_val_metric_name TEXT,
        best_val_metric REAL,
        best_epoch INTEGER,
        final_train_loss REAL,
        final_val_loss REAL,
        final_val_accuracy REAL,
        test_accuracy REAL,
        test_macro_f1 REAL,
        test_metrics TEXT,
        notes TEXT NOT NULL DEFAULT '',
        run_dir TEXT
    )
    """,
    "CREATE INDEX runs_by_status ON runs (status)",
    "CREATE INDEX runs_by_model ON runs (model)",
    "CREATE INDEX runs_by_dataset ON runs (dataset_id)",
    "CREATE INDEX runs_by_parent ON runs (parent_run_id)",
    "CREATE INDEX runs_by_created ON runs (created_at)",
    "CREATE INDEX runs_by_test_accuracy ON runs (test_accuracy)",
    "CREATE INDEX runs_by_best_val ON runs (best_val_metric)",
    """
    CREATE TABLE metrics (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        step INTEGER NOT NULL,
        epoch INTEGER,
        value REAL,
        timestamp TEXT NOT NULL,
        PRIMARY KEY (run_id, key, step)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        format TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (run_id, kind, path)
    )
    """,
    """
    CREATE TABLE tags (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX tags_by_tag ON tags (tag, run_id)",
)


def _v1_create_everything(db: Database) -> None:
    """Version 0 → 1: datasets, runs, metrics, artifacts and tags with their indexes."""
    for statement in _V1_STATEMENTS:
        db.execute(statement)


def _v2_add_trash(db: Database) -> None:
    """Version 1 → 2: ``runs.trashed_at`` (NULL = live) so deleting a run can be undone."""
    db.execute("ALTER TABLE runs ADD COLUMN trashed_at TEXT")
    db.execute("CREATE INDEX runs_by_trashed ON runs (trashed_at)")


MIGRATIONS: list[Migration] = [
    _v1_create_everything,
    _v2_add_trash,
    v3_uids_studies_open_statuses,
    v4_compact_metrics_liveness_health,
    v5_reproductions,
    v6_exports_and_registry,
    v7_archived_versions,
    v8_label_changes,
]
"""Ordered migrations; ``len(MIGRATIONS)`` is the version this code writes."""


def latest_version() -> int:
    """The schema version this build of ModelDesk creates and understands."""
    return len(MIGRATIONS)


def read_version(db: Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def too_new(path: Path, found: int) -> CatalogError:
    latest = latest_version()
    return CatalogError(
        f"the catalog {path} was written by a newer ModelDesk (schema version {found}; "
        f"this version understands up to {latest}). Upgrade ModelDesk to open it."
    )


def migrate(db: Database, path: Path) -> int:
    """Bring the file up to :func:`latest_version`; return the version found.

    Must run inside a write transaction the caller opened (and commits or rolls back).
    The caller has checked the file's identity before switching it to WAL
    (:func:`~app.core.catalog._identity.check_identity`); it is checked again here, inside the
    transaction, in case the file changed in between.
    """
    found = read_version(db)
    latest = latest_version()
    if found > latest:
        raise too_new(path, found)
    application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    problem = identity_problem(path, application_id, found, db.table_names())
    if problem is not None:
        raise problem
    for version in range(found, latest):
        MIGRATIONS[version](db)
        db.execute(f"PRAGMA user_version = {version + 1}")
    return found
