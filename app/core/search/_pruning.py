"""Pruning through the engine: each epoch's validation metric goes to the Optuna trial, and a
poor trial ends as a ``pruned`` run (``StopRun``), its curves and checkpoint kept like any
other run's. Optuna's ``TrialPruned`` plays this part in ``study.optimize``; here the loop's
own way of ending a run on purpose does, so the recorder writes the run as usual."""

from __future__ import annotations

import math
from typing import Any

from app.core import testpoints
from app.core.engine import Callback, EpochEnd, StopRun
from app.core.statuses import PRUNED


class PruningCallback(Callback):
    """Reports ``monitor`` (``val_accuracy`` or ``val_loss``) to ``trial`` after each epoch."""

    rank_zero_only = True  # it writes to the Optuna storage

    def __init__(self, trial: Any, monitor: str) -> None:
        self.trial = trial
        self.monitor = monitor
        self.reported: list[tuple[int, float]] = []

    def on_epoch_end(self, event: EpochEnd) -> None:
        value = event.val_accuracy if self.monitor == "val_accuracy" else event.val_loss
        if value is None or not math.isfinite(value):
            return  # no validation split, or a diverged epoch the watcher ends anyway
        self.trial.report(float(value), event.epoch)
        self.reported.append((event.epoch, float(value)))
        testpoints.reached(testpoints.SEARCH_EPOCH)
        if event.epoch < event.total_epochs and self.trial.should_prune():
            raise StopRun(PRUNED, f"pruned after epoch {event.epoch}: {self.monitor} "
                          f"{value:.4f} is worse than the trials before it at that epoch")
