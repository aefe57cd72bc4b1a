"""Schema version 4: compact metrics, crash-safety columns, run health, dataset reports.

* ``metrics`` is rebuilt: the key text of every point moves into ``metric_keys`` (id, key)
  and points refer to it by ``key_id``; the 27-byte ISO timestamp becomes an INTEGER of
  microseconds since the Unix epoch (read back as the same ISO text, see :mod:`._metrics`).
  A point drops from about 65 to about 34 bytes on disk, which is what keeps a catalog of
  10,000 runs × 4 metrics × 100 epochs under 200 MB. The table stays ``WITHOUT ROWID`` with
  the primary key ``(run_id, key_id, step)``, so re-logging a step still replaces it and one
  run's series are still one range of the key. Pages freed by the old table stay in the file
  (SQLite reuses them for new points); only ``VACUUM`` would give them back to the disk,
  and it cannot run inside the migration's transaction.
* ``runs.heartbeat_at``: set by ``mark_running`` and refreshed by ``heartbeat``, so a run
  whose process lives on another machine can be told dead by the age of its last beat.
  ``runs.pid``/``hostname`` (there since v1) are now also filled by ``create_run`` with the
  creating process, so a ``queued`` run whose creator died can be recognised too.
* ``runs.health``: a short verdict such as ``"not learning"`` (NULL when none was given).
* ``datasets.report``: the validation report (JSON) of the load that registered the dataset.
* ``runs_by_name``: sorting the run table by name (``COLLATE NOCASE``) walks an index.
"""

from __future__ import annotations

from sqlite_utils import Database

# A malformed text timestamp (only a hand-edited file has one) becomes 0, the epoch, rather
# than failing the whole upgrade. substr(…, 1, 19) is "YYYY-MM-DDTHH:MM:SS"; 21–26 the µs.
_MICROS = (
    "COALESCE(CAST(strftime('%s', substr(m.timestamp, 1, 19)) AS INTEGER) * 1000000"
    " + CAST(substr(m.timestamp, 21, 6) AS INTEGER), 0)"
)

_STATEMENTS: tuple[str, ...] = (
    "CREATE TABLE metric_keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)",
    "INSERT INTO metric_keys (key) SELECT DISTINCT key FROM metrics ORDER BY key",
    """
    CREATE TABLE metrics_v4 (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key_id INTEGER NOT NULL REFERENCES metric_keys (id),
        step INTEGER NOT NULL,
        epoch INTEGER,
        value REAL,
        timestamp INTEGER NOT NULL,
        PRIMARY KEY (run_id, key_id, step)
    ) WITHOUT ROWID
    """,
    "INSERT INTO metrics_v4 (run_id, key_id, step, epoch, value, timestamp)"
    f" SELECT m.run_id, k.id, m.step, m.epoch, m.value, {_MICROS}"
    " FROM metrics AS m JOIN metric_keys AS k ON k.key = m.key"
    " ORDER BY m.run_id, k.id, m.step",
    "DROP TABLE metrics",
    "ALTER TABLE metrics_v4 RENAME TO metrics",
    "ALTER TABLE runs ADD COLUMN heartbeat_at TEXT",
    "ALTER TABLE runs ADD COLUMN health TEXT",
    "CREATE INDEX runs_by_name ON runs (name COLLATE NOCASE)",
    "ALTER TABLE datasets ADD COLUMN report TEXT",
)


def v4_compact_metrics_liveness_health(db: Database) -> None:
    """Version 3 → 4: rebuild ``metrics`` compactly; add heartbeat, health and reports."""
    for statement in _STATEMENTS:
        db.execute(statement)
