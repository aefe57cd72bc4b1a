"""Schema version 8: label changes, the analyst's decisions about a dataset's labels.

"Check labels" ranks likely mislabeled samples; the analyst leaves some out or records a
corrected label. The user's files are never edited, so the decisions live here, one row per
(dataset path, sample id), until the next run carries them in its config
(``label_changes``), which is what makes that run reproducible. ``new_label`` NULL means
"leave the sample out"; ``given_label`` and ``score`` keep what the check saw, for the list.
"""

from __future__ import annotations

from sqlite_utils import Database

_STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE label_changes (
        dataset_path TEXT NOT NULL,
        sample_id TEXT NOT NULL,
        given_label TEXT NOT NULL,
        new_label TEXT,
        score REAL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (dataset_path, sample_id)
    ) WITHOUT ROWID
    """,
)


def v8_label_changes(db: Database) -> None:
    """Version 7 → 8: the ``label_changes`` table."""
    for statement in _STATEMENTS:
        db.execute(statement)
