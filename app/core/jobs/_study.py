"""Trials of a study: a job that belongs to a grid (later a search) records its membership.

The study row is created by whichever trial runs first (``ensure_study`` by uid, so trials
queued in the window and run one by one create it once), and after every trial (or resumed
trial) the study's best run is refreshed; once every planned trial has ended the study is
completed, or stopped while one of its trials is stopped or interrupted (resuming that trial
completes it later).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from app.core.catalog import Catalog
from app.core.statuses import FAILED, RESUMABLE_STATUSES, TERMINAL_STATUSES

GRID = "grid"


@dataclass(frozen=True)
class StudyPlan:
    """A study as an experiment file describes it, before any trial ran."""

    name: str
    kind: str
    space: Mapping[str, Any]
    sampler: str
    planned_trials: int | None
    uid: str = field(default_factory=lambda: uuid.uuid4().hex)
    metric: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "space", MappingProxyType(dict(self.space)))

    def ensure(self, catalog: Catalog) -> int:
        """The study's id in ``catalog``, creating the row the first time."""
        return catalog.ensure_study(
            uid=self.uid, name=self.name, kind=self.kind,
            space={key: list(values) if isinstance(values, tuple) else values
                   for key, values in self.space.items()},
            sampler=self.sampler, metric=self.metric, planned_trials=self.planned_trials)


@dataclass(frozen=True)
class Trial:
    """One job's place in a study."""

    study: StudyPlan
    number: int  # 0-based, in the order the trials were planned


def after_trial(catalog: Catalog, study_id: int) -> None:
    """Refresh the best run; end the study once every planned trial has ended."""
    catalog.update_study_best(study_id)
    study = catalog.get_study(study_id)
    if study.planned_trials is None or study.kind != GRID:  # a search ends itself
        return
    counts = study.trial_counts
    ended = sum(count for status, count in counts.items() if status in TERMINAL_STATUSES)
    if ended >= study.planned_trials:
        unfinished = any(counts.get(status) for status in RESUMABLE_STATUSES - {FAILED})
        catalog.finish_study(study_id, "stopped" if unfinished else "completed")
