"""What ``Callback.on_save`` receives: the epoch's state, built only if someone asks.

Copying a large model's state dict costs time and memory, so nothing is copied until a
callback calls ``model_state`` or ``checkpoint``; both are built at most once per epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Snapshot:
    def __init__(self, epoch: int, model_state: Callable[[], dict[str, Any]],
                 checkpoint: Callable[[], dict[str, Any]]) -> None:
        self.epoch = epoch
        self._model_state, self._checkpoint = model_state, checkpoint
        self._built: dict[str, dict[str, Any]] = {}

    def model_state(self) -> dict[str, Any]:
        """The trained module's state dict (weights as they are after this epoch)."""
        if "model" not in self._built:
            self._built["model"] = self._model_state()
        return self._built["model"]

    def checkpoint(self) -> dict[str, Any]:
        """Everything ``Trainer.fit(resume_from=...)`` needs to continue after this epoch."""
        if "checkpoint" not in self._built:
            self._built["checkpoint"] = self._checkpoint()
        return self._built["checkpoint"]
