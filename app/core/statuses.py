"""Run statuses, defined once for the engine, the catalog, batch mode and the window.

The catalog stores these words in ``runs.status`` without a CHECK constraint (schema v3), so
adding a status is a change here and nowhere in the file format.
"""

from __future__ import annotations

QUEUED = "queued"
"""Created in the catalog; training has not started (or has not reached its first epoch)."""
RUNNING = "running"
COMPLETED = "completed"
STOPPED = "stopped"
"""Stopped on request; its checkpoint is kept so it can be resumed."""
FAILED = "failed"
DIVERGED = "diverged"
"""The loss became NaN/inf or exploded; resuming would diverge again."""
PRUNED = "pruned"
"""Ended early by a search's pruner; its curves are kept, it is not resumed."""
INTERRUPTED = "interrupted"
"""Its process disappeared (killed, crashed, machine off); resumable from its checkpoint."""

RUN_STATUSES: tuple[str, ...] = (
    QUEUED, RUNNING, COMPLETED, STOPPED, FAILED, DIVERGED, PRUNED, INTERRUPTED,
)
"""Every status a run can have, in lifecycle order."""

TERMINAL_STATUSES: frozenset[str] = frozenset(
    {COMPLETED, STOPPED, FAILED, DIVERGED, PRUNED, INTERRUPTED}
)
"""Statuses of a run that is no longer executing."""

RESUMABLE_STATUSES: frozenset[str] = frozenset({STOPPED, FAILED, INTERRUPTED})
"""Statuses from which ``--resume`` continues a run from its last checkpoint."""

ENDED_BY_ENGINE: frozenset[str] = frozenset({COMPLETED, STOPPED, FAILED, DIVERGED, PRUNED})
"""Statuses the training loop itself can end a run with (``interrupted`` is found later)."""
