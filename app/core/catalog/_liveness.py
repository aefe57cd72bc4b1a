"""Telling runs whose process died from runs that are still training.

A row says ``running`` or ``queued`` until its process writes otherwise, and a process that
is killed, crashes or loses its machine never does. Two signs tell such a run apart: on this
machine, its process id (recorded by ``create_run`` for the creator and by ``mark_running``
for the trainer) no longer exists; on another machine, where no process can be looked at, its
last heartbeat (``mark_running``, then ``heartbeat``) is too old. The rule is one function,
:func:`is_interrupted`, shared by ``interrupted_runs``, ``resumable`` and the trash.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol

from app.core.catalog._base import CatalogBase
from app.core.catalog._files import pid_alive
from app.core.catalog._queries import RUN_SELECT
from app.core.catalog._records import RunRecord, parse_timestamp, run_from_row, utc_now
from app.core.statuses import INTERRUPTED, QUEUED, RUNNING

STALE_AFTER_S = 300.0
"""How old a heartbeat may be before a run on another machine counts as dead."""

_ALIVE_STATUSES = (RUNNING, QUEUED)


class RunLife(Protocol):
    """What the rule reads of a run (a :class:`RunRecord` has it all)."""

    status: str
    pid: int | None
    hostname: str | None
    heartbeat_at: str | None
    created_at: str


def is_interrupted(
    run: RunLife,
    *,
    stale_after_s: float = STALE_AFTER_S,
    host: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Whether a ``running`` or ``queued`` run's process is gone.

    On this machine (the row's hostname is ours and it has a pid): when that pid is not
    alive; a reused pid reads as alive, the safe answer. Elsewhere, or for rows without a
    pid or hostname (made before schema v4): when the last heartbeat, or ``created_at`` for
    a run that never beat, is more than ``stale_after_s`` seconds old. A process that trains
    for longer than that on another machine must call ``heartbeat`` more often.
    """
    if run.status not in _ALIVE_STATUSES:
        return False
    if run.pid is not None and run.hostname == (host or socket.gethostname()):
        return not pid_alive(run.pid)
    last = parse_timestamp(run.heartbeat_at or run.created_at)
    return ((now or datetime.now(UTC)) - last).total_seconds() > stale_after_s


class CatalogLiveness(CatalogBase):
    """``heartbeat``, ``interrupted_runs`` and ``mark_interrupted``; each one transaction."""

    def heartbeat(self, run_id: int) -> None:
        """Record that the run's process is alive now (one small UPDATE; call it per epoch or
        on a timer well inside ``STALE_AFTER_S``)."""
        self._update(run_id, {"heartbeat_at": utc_now()})

    def interrupted_runs(self, *, stale_after_s: float = STALE_AFTER_S) -> list[RunRecord]:
        """Runs still marked running or queued whose process is gone (see
        :func:`is_interrupted`), oldest first; trashed ones included."""
        with self._read() as db:
            rows = db.query(
                RUN_SELECT + " WHERE r.status IN (?, ?) ORDER BY r.id", list(_ALIVE_STATUSES)
            )
            runs = [run_from_row(row, self.runs_root) for row in rows]
        host, now = socket.gethostname(), datetime.now(UTC)
        return [
            run for run in runs
            if is_interrupted(run, stale_after_s=stale_after_s, host=host, now=now)
        ]  # fmt: skip

    def mark_interrupted(self, run_ids: Iterable[int], message: str) -> int:
        """Set runs that are still running or queued to ``interrupted``; return how many.

        One transaction: rows that finished (or were marked by another process) since they
        were found are left as they are, so two windows recovering at once change each run
        once. ``finished_at`` is set to now and ``message`` replaces the run's message.
        """
        ids = list(dict.fromkeys(int(run_id) for run_id in run_ids))
        if not ids:
            return 0
        now = utc_now()
        with self._write() as db:
            cursor = db.conn.executemany(
                "UPDATE runs SET status = ?, finished_at = ?, message = ?"
                " WHERE id = ? AND status IN (?, ?)",
                [(INTERRUPTED, now, str(message), run_id, *_ALIVE_STATUSES) for run_id in ids],
            )
            return int(cursor.rowcount)
