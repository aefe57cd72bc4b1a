"""Schema version 5: ``runs.reproduces_run_id``, the run a reproduction re-ran.

A reproduction is not a child in the fine-tuning lineage: ``parent_run_id`` says whose weights
a run started from, and a reproduction of a fine-tuned run starts from the same parent as the
original did, so it keeps that ``parent_run_id`` and needs its own link to the original. Like
the parent link, it is cleared when the original is deleted (``ON DELETE SET NULL``); an
index serves "which runs reproduce this one".
"""

from __future__ import annotations

from sqlite_utils import Database

_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE runs ADD COLUMN reproduces_run_id INTEGER"
    " REFERENCES runs (id) ON DELETE SET NULL",
    "CREATE INDEX runs_by_reproduces ON runs (reproduces_run_id)",
)


def v5_reproductions(db: Database) -> None:
    """Version 4 → 5: add ``runs.reproduces_run_id`` and its index."""
    for statement in _STATEMENTS:
        db.execute(statement)
