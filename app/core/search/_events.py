"""What a search reports besides its trials' own engine events (one stream for whoever
watches: batch mode prints these records, the window's Search view will draw them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.runs import RunOutcome

INVALID = "invalid"
"""A trial whose drawn values the run settings refused; no run was made for it."""


@dataclass(frozen=True)
class SearchStarted:
    study_id: int
    study_uid: str
    name: str
    planned_trials: int | None
    finished_before: int  # trials an earlier session finished (a continued search)
    interrupted: tuple[int, ...] = ()  # trial numbers found cut short and queued again


@dataclass(frozen=True)
class TrialStarted:
    study_id: int
    number: int  # Optuna's trial number, also the run's trial_number in the catalog
    params: Mapping[str, Any]
    name: str


@dataclass(frozen=True)
class TrialEnded:
    study_id: int
    number: int
    params: Mapping[str, Any]
    status: str  # the run's status, or "invalid"
    value: float | None  # the objective (completed trials)
    run_id: int | None
    best_run_id: int | None  # the study's best so far
    best_value: float | None
    message: str = ""
    outcome: RunOutcome | None = field(default=None, compare=False)


@dataclass(frozen=True)
class WaitingForWorkers:
    """A shared search's budget is held by other workers' running trials; this worker waits
    for them to finish (or to be found dead, when it takes their trials over)."""

    study_id: int
    running: int  # trials other workers are running
    finished: int


@dataclass(frozen=True)
class SearchOutcome:
    """How a session of a search ended; ``outcomes`` are the runs this session trained."""

    study_id: int
    study_uid: str
    name: str
    status: str  # completed | stopped
    reason: str  # why it ended: "trials", "timeout", "grid", "stopped"
    finished: int  # finished trials of the study, every session
    best_run_id: int | None
    best_value: float | None
    outcomes: tuple[RunOutcome, ...] = ()
