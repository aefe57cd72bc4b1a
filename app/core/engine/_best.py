"""Tracks the best epoch on the monitored metric and decides early stopping."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass
class BestTracker:
    """``monitor`` is ``val_loss`` / ``val_accuracy`` (or ``train_loss`` when nothing is held
    out); ``patience`` 0 disables early stopping."""

    monitor: str
    patience: int = 0
    value: float | None = None
    epoch: int = 0
    bad_epochs: int = 0

    @property
    def higher_is_better(self) -> bool:
        return self.monitor.endswith("accuracy")

    def update(self, epoch: int, value: float) -> bool:
        """Record ``value`` for ``epoch``; return True when it is a new best.

        A NaN or infinite value is never the best: nothing could beat it afterwards.
        """
        if not math.isfinite(value):
            self.bad_epochs += 1
            return False
        better = self.value is None or (
            value > self.value if self.higher_is_better else value < self.value
        )
        if better:
            self.value, self.epoch, self.bad_epochs = value, epoch, 0
        else:
            self.bad_epochs += 1
        return better

    @property
    def should_stop(self) -> bool:
        return self.patience > 0 and self.bad_epochs >= self.patience

    def state_dict(self) -> dict[str, Any]:
        return {"monitor": self.monitor, "value": self.value, "epoch": self.epoch,
                "bad_epochs": self.bad_epochs}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.value = state.get("value")
        self.epoch = int(state.get("epoch", 0))
        self.bad_epochs = int(state.get("bad_epochs", 0))
