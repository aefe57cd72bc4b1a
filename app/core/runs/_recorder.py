"""The callback that writes a run's events into the catalog (rank zero only).

Step losses are buffered and written with the epoch's metrics in one transaction, so the
catalog costs one short write per epoch, not one per batch. Every write is queued and applied
in order; when another program holds the catalog's write lock past the busy timeout, the write
stays queued, training goes on, and the queue is retried at the next epoch and, patiently, at
the end of the run (each write is one idempotent transaction, so a retry never doubles
anything). A heartbeat thread stamps the run while it trains so another machine sharing the
file can tell a live run from a dead one.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.engine import Callback, EpochEnd, RunFinished, RunStarted, StepEnd
from app.core.errors import CatalogBusyError, CatalogError
from app.core.models import ARTIFACT_KINDS, RunFolder
from app.core.runs._patience import PATIENCE_SECONDS, holders_text

if TYPE_CHECKING:
    from app.core.catalog import Catalog

log = logging.getLogger(__name__)

#: Metric keys in the catalog. Epoch metrics use the epoch number as their step.
STEP_LOSS = "train_loss_step"
EPOCH_KEYS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr")
HEARTBEAT_SECONDS = 30.0


class CatalogRecorder(Callback):
    rank_zero_only = True

    def __init__(self, catalog: Catalog, run_id: int, folder: RunFolder, *,
                 notify: Callable[[str], None] | None = None,
                 end_patience: float = PATIENCE_SECONDS) -> None:
        self.catalog, self.run_id, self.folder = catalog, run_id, folder
        self.notify = notify or (lambda text: None)
        self.end_patience = end_patience
        self._steps: list[tuple[str, int, int, float]] = []
        self._writes: list[Callable[[], None]] = []
        self._locked_since: float | None = None
        self._beating = threading.Event()
        self._heart: threading.Thread | None = None

    def on_run_start(self, event: RunStarted) -> None:
        device, pid, host = event.device, os.getpid(), socket.gethostname()
        self._write(lambda: self.catalog.mark_running(self.run_id, device=device, pid=pid,
                                                      hostname=host))
        self._heart = threading.Thread(target=self._beat, name="catalog-heartbeat")
        self._heart.start()

    def on_step_end(self, event: StepEnd) -> None:
        self._steps.append((STEP_LOSS, event.global_step, event.epoch, event.loss))

    def on_epoch_end(self, event: EpochEnd) -> None:
        values = {"train_loss": event.train_loss, "train_accuracy": event.train_accuracy,
                  "val_loss": event.val_loss, "val_accuracy": event.val_accuracy,
                  "lr": event.lr}
        points = self._steps + [(key, event.epoch, event.epoch, value)
                                for key, value in values.items() if value is not None]
        self._steps = []
        self._write(lambda: self.catalog.log_metrics(self.run_id, points))
        self._write(lambda: self.catalog.update_progress(
            self.run_id, epochs_done=event.epoch, best_val_metric_name=event.best_metric_name,
            best_val_metric=event.best_metric, best_epoch=event.best_epoch,
            final_train_loss=event.train_loss, final_val_loss=event.val_loss,
            final_val_accuracy=event.val_accuracy))

    def on_run_end(self, event: RunFinished) -> None:
        self._stop_beating()
        if self._steps:  # steps of an epoch that did not finish (stopped or diverged)
            points, self._steps = self._steps, []
            self._writes.append(lambda: self.catalog.log_metrics(self.run_id, points))
        for kind in ARTIFACT_KINDS:
            path = self.folder.file(kind)
            if path.exists():
                self._writes.append(lambda k=kind, p=path: self.catalog.add_artifact(
                    self.run_id, k.kind, p, k.format))
        self._writes.append(lambda: self.catalog.finish_run(
            self.run_id, status=event.status, message=event.message,
            wall_seconds=event.wall_seconds, test_metrics=event.test_metrics,
            health=event.health))
        self._flush(deadline=time.monotonic() + self.end_patience)

    # ------------------------------------------------------------------------- helpers
    def _write(self, write: Callable[[], None]) -> None:
        self._writes.append(write)
        self._flush(deadline=None)

    def _flush(self, deadline: float | None) -> None:
        """Apply queued writes in order; on a held lock keep them (``deadline`` None) or
        retry until ``deadline``, then fail with the name of who holds the lock."""
        while self._writes:
            try:
                self._writes[0]()
            except CatalogBusyError as error:
                self._on_locked(error)
                if deadline is None:
                    return
                if time.monotonic() > deadline:
                    raise CatalogBusyError(f"{error} ({self._holders()}); the run's last "
                                           "records could not be written") from error
                continue
            self._writes.pop(0)
            if self._locked_since is not None:
                self._locked_since = None
                self.notify("the catalog is free again; every record of this run is written")

    def _on_locked(self, error: CatalogBusyError) -> None:
        if self._locked_since is None:
            self._locked_since = time.monotonic()
            self.notify(f"the catalog is locked by {self._holders()}; training goes on and "
                        f"this run's records wait in memory ({len(self._writes)} pending)")
        log.warning("catalog write of run %s postponed: %s", self.run_id, error)

    def _holders(self) -> str:
        return holders_text(self.catalog.path)

    def _beat(self) -> None:
        while not self._beating.wait(HEARTBEAT_SECONDS):
            try:
                self.catalog.heartbeat(self.run_id)
            except CatalogError as error:  # a missed beat is harmless; the next one retries
                log.warning("heartbeat of run %s failed: %s", self.run_id, error)

    def _stop_beating(self) -> None:
        self._beating.set()
        if self._heart is not None:
            self._heart.join(timeout=HEARTBEAT_SECONDS + 15)
            self._heart = None
