"""The callback that writes the resumable checkpoint after every epoch (rank zero only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.core.engine._callbacks import Callback
from app.core.engine._checkpoint import save_checkpoint
from app.core.engine._events import EpochEnd
from app.core.engine._snapshot import Snapshot


class Checkpointing(Callback):
    """Saves ``snapshot.checkpoint()`` atomically to ``path``; ``on_saved(path)`` hears of it
    (the catalog records the artifact)."""

    rank_zero_only = True

    def __init__(self, path: Path, on_saved: Callable[[Path], None] | None = None) -> None:
        self.path = Path(path)
        self.on_saved = on_saved

    def on_save(self, event: EpochEnd, snapshot: Snapshot) -> None:
        save_checkpoint(self.path, snapshot.checkpoint())
        if self.on_saved is not None:
            self.on_saved(self.path)
