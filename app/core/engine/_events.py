"""Event records the engine emits; frozen so a GUI thread can hold them safely.

They are the whole interface between a training run and whoever watches it: batch mode prints
them, the catalog recorder stores them, the window draws them. Memory use travels in them, so
a watcher never needs torch to ask for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.statuses import COMPLETED, DIVERGED, FAILED, PRUNED, STOPPED

__all__ = ["COMPLETED", "DIVERGED", "FAILED", "PRUNED", "STOPPED", "EpochEnd", "Notice",
           "Paused", "RunFinished", "RunStarted", "StepEnd"]


@dataclass(frozen=True)
class RunStarted:
    total_epochs: int
    start_epoch: int  # 0 for a fresh run, the resumed checkpoint's epoch otherwise
    steps_per_epoch: int
    device: str
    mixed_precision: bool
    parameters: int
    trainable_parameters: int
    train_samples: int
    val_samples: int
    test_samples: int
    world_size: int = 1


@dataclass(frozen=True)
class StepEnd:
    epoch: int  # 1-based
    step: int  # 1-based within the epoch
    steps_per_epoch: int
    global_step: int
    loss: float  # mean training loss over the steps since the previous StepEnd
    lr: float
    samples_per_second: float
    memory_bytes: int = 0  # device memory in use (resident memory on the CPU)


@dataclass(frozen=True)
class EpochEnd:
    epoch: int  # 1-based
    total_epochs: int
    global_step: int
    train_loss: float
    train_accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    lr: float
    seconds: float
    is_best: bool
    best_metric_name: str
    best_metric: float | None
    best_epoch: int
    memory_bytes: int = 0


@dataclass(frozen=True)
class Notice:
    """Something the person watching should know that does not change the run's course
    (the catalog is locked by another program, and records wait in memory); ``level`` is
    ``"info"`` for a plain fact (where the decoded images live) or ``"warning"``."""

    text: str
    level: str = "warning"


@dataclass(frozen=True)
class Paused:
    """The loop entered (``paused=True``) or left a pause."""

    paused: bool


@dataclass(frozen=True)
class RunFinished:
    status: str  # completed | stopped | failed | diverged | pruned
    message: str
    epochs_done: int
    wall_seconds: float
    best_metric_name: str
    best_metric: float | None
    best_epoch: int
    test_metrics: dict[str, Any] | None = field(default=None)
    health: str | None = None  # "not learning" for a completed run that learnt nothing
