"""Ends a run as ``diverged`` when its training loss stops being a number.

A watcher on the step events rather than a branch in the loop: it is one of the callbacks
that end runs on purpose (``StopRun``), like a search's pruner.
"""

from __future__ import annotations

import math

from app.core.engine._callbacks import Callback, StopRun
from app.core.engine._events import StepEnd
from app.core.statuses import DIVERGED


class DivergenceWatcher(Callback):
    """Runs on every process (each sees the same reduced loss) so all of them stop together."""

    def __init__(self, lr: float) -> None:
        self.lr = lr

    def on_step_end(self, event: StepEnd) -> None:
        if not math.isfinite(event.loss):
            raise StopRun(DIVERGED, (
                f"training diverged: the loss became {event.loss} at epoch {event.epoch}, "
                f"step {event.step}. Try a lower learning rate (now {self.lr:g}), gradient "
                "clipping (grad_clip) or another optimiser."))
