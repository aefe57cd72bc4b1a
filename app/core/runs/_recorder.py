"""The callback that writes a run's events into the catalog (rank zero only).

Step losses are buffered and written with the epoch's metrics in one transaction, so the
catalog costs one short write per epoch, not one per batch. The run's files are recorded as
artifacts (size, sha256) when it ends.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

from app.core.engine import Callback, EpochEnd, RunFinished, RunStarted, StepEnd
from app.core.models import ARTIFACT_KINDS, RunFolder

if TYPE_CHECKING:
    from app.core.catalog import Catalog

#: Metric keys in the catalog. Epoch metrics use the epoch number as their step.
STEP_LOSS = "train_loss_step"
EPOCH_KEYS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr")


class CatalogRecorder(Callback):
    rank_zero_only = True

    def __init__(self, catalog: Catalog, run_id: int, folder: RunFolder) -> None:
        self.catalog, self.run_id, self.folder = catalog, run_id, folder
        self._pending: list[tuple[str, int, int, float]] = []

    def on_run_start(self, event: RunStarted) -> None:
        self.catalog.mark_running(self.run_id, device=event.device, pid=os.getpid(),
                                  hostname=socket.gethostname())

    def on_step_end(self, event: StepEnd) -> None:
        self._pending.append((STEP_LOSS, event.global_step, event.epoch, event.loss))

    def on_epoch_end(self, event: EpochEnd) -> None:
        values = {"train_loss": event.train_loss, "train_accuracy": event.train_accuracy,
                  "val_loss": event.val_loss, "val_accuracy": event.val_accuracy,
                  "lr": event.lr}
        points = [(key, event.epoch, event.epoch, value) for key, value in values.items()
                  if value is not None]
        self.catalog.log_metrics(self.run_id, self._pending + points)
        self._pending = []
        self.catalog.update_progress(
            self.run_id, epochs_done=event.epoch, best_val_metric_name=event.best_metric_name,
            best_val_metric=event.best_metric, best_epoch=event.best_epoch,
            final_train_loss=event.train_loss, final_val_loss=event.val_loss,
            final_val_accuracy=event.val_accuracy)

    def on_run_end(self, event: RunFinished) -> None:
        if self._pending:  # steps of an epoch that did not finish (stopped or diverged)
            self.catalog.log_metrics(self.run_id, self._pending)
            self._pending = []
        for kind in ARTIFACT_KINDS:
            path = self.folder.file(kind)
            if path.exists():
                self.catalog.add_artifact(self.run_id, kind.kind, path, kind.format)
        self.catalog.finish_run(self.run_id, status=event.status, message=event.message,
                                wall_seconds=event.wall_seconds, test_metrics=event.test_metrics)
