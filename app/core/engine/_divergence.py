"""Ends a run as ``diverged`` when its training loss stops being a number or explodes.

A watcher on the step events rather than a branch in the loop: it is one of the callbacks
that end runs on purpose (``StopRun``), like a search's pruner. "Explodes" means three orders
of magnitude above where the loss started, where "started" is the first loss reported but
never less than chance level (ln of the class count: what a uniform guess scores) nor more
than ten times it: a freshly built classifier starts near chance, so a first report that is
already 1e11 has exploded within its first steps. A run that merely gets worse for a while is
never cut off; a learning rate of 10 that takes LeNet-5's loss to 1e11 is.
"""

from __future__ import annotations

import math

from app.core.engine._callbacks import Callback, StopRun
from app.core.engine._events import StepEnd
from app.core.statuses import DIVERGED

EXPLOSION_FACTOR = 1000.0


class DivergenceWatcher(Callback):
    """Runs on every process (each sees the same reduced loss) so all of them stop together."""

    def __init__(self, lr: float, num_classes: int = 2) -> None:
        self.lr = lr
        self.floor = math.log(max(num_classes, 2))  # the loss of a uniform guess
        self.start: float | None = None

    def on_step_end(self, event: StepEnd) -> None:
        where = f"at epoch {event.epoch}, step {event.step}"
        if not math.isfinite(event.loss):
            raise StopRun(DIVERGED, f"training diverged: the loss became {event.loss} {where}. "
                          f"{self._advice()}")
        if self.start is None:
            self.start = event.loss
        reference = min(max(self.start, self.floor), 10 * self.floor)
        if event.loss > EXPLOSION_FACTOR * reference:
            raise StopRun(DIVERGED, (
                f"training diverged: the loss exploded to {event.loss:.3g} {where}, over "
                f"{EXPLOSION_FACTOR:g} times {reference:.3g} (where it started, or chance "
                f"level). {self._advice()}"))

    def _advice(self) -> str:
        return (f"Try a lower learning rate (now {self.lr:g}), gradient clipping (grad_clip) or "
                "another optimiser.")
