"""Rank-zero callbacks that write a run's model bundle and test predictions into its folder.

The training loop writes nothing itself; in a multi-process run only global rank zero runs
these, so every file is written once. The catalog records the files when the run ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.engine import Callback, Checkpointing, EpochEnd, Predictions, Snapshot
from app.core.models import ModelBundle, RunFolder, save_bundle, save_predictions
from app.core.runs._recorder import CatalogRecorder

if TYPE_CHECKING:
    from app.core.catalog import Catalog


def run_writers(catalog: Catalog, run_id: int, folder: RunFolder, bundle: ModelBundle,
                notify: Callable[[str], None] | None = None) -> tuple[Callback, ...]:
    """Everything a catalog run records, in order: metrics and status, the checkpoint, the
    best model's bundle, the test predictions (all rank-zero only). ``notify`` hears what the
    person watching should know (a catalog locked by another program)."""
    return (CatalogRecorder(catalog, run_id, folder, notify=notify),
            Checkpointing(folder.checkpoint), BundleWriter(folder, bundle),
            PredictionsWriter(folder))


class BundleWriter(Callback):
    """Saves weights + ``bundle.json`` whenever an epoch is the best so far."""

    rank_zero_only = True

    def __init__(self, folder: RunFolder, bundle: ModelBundle) -> None:
        self.folder, self.bundle = folder, bundle

    def on_save(self, event: EpochEnd, snapshot: Snapshot) -> None:
        if event.is_best:
            save_bundle(self.folder.path, self.bundle, snapshot.model_state(), epoch=event.epoch)


class PredictionsWriter(Callback):
    """Saves the test split's predictions (what analysis and the error diff read)."""

    rank_zero_only = True

    def __init__(self, folder: RunFolder) -> None:
        self.folder = folder

    def on_test_end(self, predictions: Predictions) -> None:
        save_predictions(self.folder.predictions, predictions)
