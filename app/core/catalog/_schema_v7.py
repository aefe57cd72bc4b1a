"""Schema version 7: archived model versions, and runs with live versions kept from deletion.

A registered version is a promise that its model can be loaded: ``production`` may point at
it. Deleting its run would break that promise silently (v6 clears ``model_versions.run_id``),
so a run with a version that is not archived cannot be deleted; archiving the version
(``model_versions.archived_at``) releases the run, and the version row stays, with its run's
uid, so the history still says what it was. The trigger is the backstop behind the catalog's
own check (``delete_run``, ``empty_trash``), which refuses earlier with a message that names
the versions.
"""

from __future__ import annotations

from sqlite_utils import Database

_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE model_versions ADD COLUMN archived_at TEXT",
    """
    CREATE TRIGGER runs_keep_registered_versions BEFORE DELETE ON runs
    WHEN EXISTS (SELECT 1 FROM model_versions
                 WHERE run_id = OLD.id AND archived_at IS NULL)
    BEGIN
        SELECT RAISE(ABORT, 'the run has registered model versions; archive them first');
    END
    """,
)


def v7_archived_versions(db: Database) -> None:
    """Version 6 → 7: ``model_versions.archived_at`` and the trigger that keeps live versions'
    runs."""
    for statement in _STATEMENTS:
        db.execute(statement)
