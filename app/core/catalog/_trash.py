"""The catalog's trash: runs leave the run table first and their files go only on "empty".

Trashing is one column (``runs.trashed_at``), so it is instant, atomic and undone by
``restore_runs``; trashed runs keep their metrics, artifacts and folder until ``empty_trash``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from types import SimpleNamespace

from app.core.catalog._base import CatalogBase
from app.core.catalog._files import from_stored, remove_run_folder_counted
from app.core.catalog._liveness import is_interrupted
from app.core.catalog._records import TrashReport, utc_now
from app.core.catalog._registry import refuse_deleting_registered
from app.core.errors import CatalogError
from app.core.statuses import RUNNING

log = logging.getLogger(__name__)


class CatalogTrash(CatalogBase):
    """``trash_runs``, ``restore_runs`` and ``empty_trash``; each one write transaction."""

    def trash_runs(self, run_ids: Iterable[int]) -> None:
        """Move runs to the trash (all or none); already trashed runs keep their time.

        Raises:
            CatalogError: a run does not exist, or is running (a "running" run whose process
                is gone, see ``interrupted_runs``, is no longer running and may be trashed).
        """
        ids = _distinct(run_ids)
        if not ids:
            return
        with self._write() as db:
            for run_id in ids:
                run = self._run(db, run_id)
                if run.status == RUNNING and not is_interrupted(run):
                    raise CatalogError(f"run {run_id} is running; stop it first")
            db.conn.executemany(
                "UPDATE runs SET trashed_at = COALESCE(trashed_at, ?) WHERE id = ?",
                [(utc_now(), run_id) for run_id in ids],
            )

    def restore_runs(self, run_ids: Iterable[int]) -> None:
        """Take runs out of the trash (all or none); live runs are left as they are."""
        ids = _distinct(run_ids)
        if not ids:
            return
        with self._write() as db:
            for run_id in ids:
                self._require_run(db, run_id)
            db.conn.executemany(
                "UPDATE runs SET trashed_at = NULL WHERE id = ?", [(run_id,) for run_id in ids]
            )

    def empty_trash(self) -> TrashReport:
        """Delete every trashed run: rows first (one transaction), then the run folders.

        As with ``delete_run``, a crash in between leaves orphan folders, never rows that
        point at deleted files. Folders outside the runs folder are never touched. A trashed
        run that is running right now (trashed while queued, then started) stays in the trash.
        A trashed run that a model version stands for makes it refuse (CatalogError, nothing
        deleted) until that version is archived or the run restored.
        """
        with self._write() as db:
            rows = [SimpleNamespace(**row) for row in db.query(
                "SELECT id, run_dir, status, pid, hostname, heartbeat_at, created_at FROM runs"
                " WHERE trashed_at IS NOT NULL ORDER BY id"
            )]  # fmt: skip
            doomed = [(row.id, row.run_dir) for row in rows
                      if row.status != RUNNING or is_interrupted(row)]  # fmt: skip
            refuse_deleting_registered(db, [run_id for run_id, _ in doomed], "empty the trash")
            db.conn.executemany(
                "DELETE FROM runs WHERE id = ?", [(run_id,) for run_id, _ in doomed]
            )
        reclaimed, failed = 0, []
        for _run_id, run_dir in doomed:
            if run_dir is None:
                continue
            folder = from_stored(run_dir, self.runs_root)
            freed, complete = remove_run_folder_counted(folder, self.runs_root)
            reclaimed += freed
            if not complete:
                log.warning("emptying the trash: could not delete all of %s", folder)
                failed.append(folder)
        return TrashReport(
            runs_removed=len(doomed), bytes_reclaimed=reclaimed, failed_folders=tuple(failed)
        )


def _distinct(run_ids: Iterable[int]) -> list[int]:
    if isinstance(run_ids, int):  # a lone id is an easy mistake; accept it
        return [int(run_ids)]
    return list(dict.fromkeys(int(run_id) for run_id in run_ids))

