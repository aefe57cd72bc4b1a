"""A callback that keeps every event, and can act at a chosen moment (stop, pause)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.engine import Callback, EpochEnd, Paused, RunFinished, RunStarted, Snapshot, StepEnd


class Recorder(Callback):
    def __init__(self, on_epoch: Callable[[EpochEnd], None] | None = None,
                 on_step: Callable[[StepEnd], None] | None = None) -> None:
        self.events: list[Any] = []
        self._on_epoch, self._on_step = on_epoch, on_step

    def on_run_start(self, event: RunStarted) -> None:
        self.events.append(event)

    def on_step_end(self, event: StepEnd) -> None:
        self.events.append(event)
        if self._on_step:
            self._on_step(event)

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.events.append(event)
        if self._on_epoch:
            self._on_epoch(event)

    def on_save(self, event: EpochEnd, snapshot: Snapshot) -> None:
        self.events.append(("save", snapshot.epoch))

    def on_paused(self, event: Paused) -> None:
        self.events.append(("paused", event.paused))

    def on_run_end(self, event: RunFinished) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]
