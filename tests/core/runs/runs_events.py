"""A callback that keeps every event the run emits (and can act at a chosen epoch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.engine import (
    Callback,
    EpochEnd,
    Notice,
    RunFinished,
    RunStarted,
    Snapshot,
    StepEnd,
)
from app.core.runs import PlannedRun

Planner = Callable[..., PlannedRun]
"""The ``plan`` fixture: keyword overrides → a planned tiny run."""


class EventLog(Callback):
    """Events in arrival order; checkpoints appear as ``("checkpoint", epoch)``."""

    def __init__(self, at_epoch_end: Callable[[EpochEnd], None] | None = None) -> None:
        self.events: list[Any] = []
        self._at_epoch_end = at_epoch_end

    def on_run_start(self, event: RunStarted) -> None:
        self.events.append(event)

    def on_step_end(self, event: StepEnd) -> None:
        self.events.append(event)

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.events.append(event)
        if self._at_epoch_end is not None:
            self._at_epoch_end(event)

    def on_save(self, event: EpochEnd, snapshot: Snapshot) -> None:
        self.events.append(("checkpoint", snapshot.epoch))

    def on_run_end(self, event: RunFinished) -> None:
        self.events.append(event)

    def on_notice(self, event: Notice) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]

    def kinds(self) -> list[str]:
        """``["RunStarted", "StepEnd", ..., "checkpoint", ...]`` for order checks."""
        return [e[0] if isinstance(e, tuple) else type(e).__name__ for e in self.events]
