"""Event records a job adds to the engine's: which catalog run it made, and how it ended.

A job's watcher (the window's worker, a batch console, later a subprocess relay) receives one
stream: ``RunCreated``, then the engine's ``RunStarted`` / ``StepEnd`` / ``EpochEnd`` /
``Paused`` / ``RunFinished``, then exactly one ``JobEnded``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.runs import RunOutcome


@dataclass(frozen=True)
class RunCreated:
    """The catalog run exists (before training starts); resumes announce their run too."""

    run_id: int


@dataclass(frozen=True)
class JobEnded:
    """Always the last event: the run's outcome, or why the job could not run (``error``)."""

    outcome: RunOutcome | None = None
    error: str = ""
