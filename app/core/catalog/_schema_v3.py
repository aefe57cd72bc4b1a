"""Schema version 3: ids that are unique everywhere, studies, and an open list of statuses.

* ``runs.status`` loses its ``CHECK (status IN (...))``: the words live in
  :mod:`app.core.statuses`, and a new one (``pruned``, ``interrupted``) must not need a table
  rebuild. SQLite's ALTER TABLE page ("making other kinds of table schema changes") allows
  removing a CHECK constraint by editing the table's SQL in ``sqlite_master`` under
  ``PRAGMA writable_schema`` and bumping ``PRAGMA schema_version``: no row moves, the edit is
  part of the migration's one transaction (a crash leaves version 2 with its CHECK), and the
  ``ON DELETE CASCADE`` children of ``runs`` are not touched at all, as a 12-step rebuild
  (new table, copy, drop, rename) would touch them.
* ``runs.uid`` and ``datasets.uid``: 32 random hex digits, backfilled for existing rows, so a
  run keeps its identity when copied into another catalog. New run folders are named by it.
  Triggers give a uid to rows inserted without one, so "every row has a uid" holds in the file.
* ``studies``: a grid or a search; ``runs.study_id`` and ``runs.trial_number`` make its runs
  its trials. ``kind`` and ``status`` are checked in code, not by CHECK, for the reason above.
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from app.core.errors import CatalogError

_STATUS_CHECK = re.compile(r"\s*CHECK\s*\(\s*status\s+IN\s*\([^()]*\)\s*\)", re.IGNORECASE)

_STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE studies (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        space TEXT NOT NULL DEFAULT '{}',
        sampler TEXT NOT NULL,
        metric TEXT,
        direction TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        best_run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        planned_trials INTEGER,
        settings TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        finished_at TEXT
    )
    """,
    # deleting a run looks up the studies it is best of: index the child key
    "CREATE INDEX studies_by_best_run ON studies (best_run_id)",
    "ALTER TABLE runs ADD COLUMN uid TEXT",
    "ALTER TABLE runs ADD COLUMN study_id INTEGER REFERENCES studies (id) ON DELETE SET NULL",
    "ALTER TABLE runs ADD COLUMN trial_number INTEGER",
    "UPDATE runs SET uid = lower(hex(randomblob(16)))",
    "CREATE UNIQUE INDEX runs_by_uid ON runs (uid)",
    "CREATE INDEX runs_by_study ON runs (study_id, trial_number)",
    """
    CREATE TRIGGER runs_get_a_uid AFTER INSERT ON runs WHEN NEW.uid IS NULL
    BEGIN UPDATE runs SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id; END
    """,
    "ALTER TABLE datasets ADD COLUMN uid TEXT",
    "UPDATE datasets SET uid = lower(hex(randomblob(16)))",
    "CREATE UNIQUE INDEX datasets_by_uid ON datasets (uid)",
    """
    CREATE TRIGGER datasets_get_a_uid AFTER INSERT ON datasets WHEN NEW.uid IS NULL
    BEGIN UPDATE datasets SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id; END
    """,
)


def v3_uids_studies_open_statuses(db: Database) -> None:
    """Version 2 → 3: drop the status CHECK, add uids (backfilled) and the studies table."""
    drop_status_check(db)
    for statement in _STATEMENTS:
        db.execute(statement)


def drop_status_check(db: Database) -> None:
    """Remove ``CHECK (status IN (...))`` from the ``runs`` table's SQL, moving no data.

    The documented procedure for removing a CHECK constraint, run inside the caller's write
    transaction: edit ``sqlite_master.sql``, increment ``schema_version`` (so every connection
    re-reads the schema), then verify the table with ``integrity_check``. A table already
    without the constraint is left alone.
    """
    (sql,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'runs'"
    ).fetchone()
    edited, found = _STATUS_CHECK.subn("", sql)
    if found == 0:
        return
    if found > 1:
        raise CatalogError("the catalog's runs table has an unexpected schema; it was not changed")
    version = int(db.execute("PRAGMA schema_version").fetchone()[0])
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'runs'", [edited]
        )
        db.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")
    verdict = [row[0] for row in db.execute("PRAGMA integrity_check(runs)").fetchall()]
    if verdict != ["ok"]:
        raise CatalogError(
            f"removing the status constraint failed the integrity check ({'; '.join(verdict)}); "
            "the catalog was not changed"
        )
