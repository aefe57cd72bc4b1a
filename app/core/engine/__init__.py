"""The training engine: a run config in, events out through callbacks.

Batch mode and the GUI both drive ``Trainer``; they differ only in the callbacks and the
``RunControl`` they pass. Importing this package does not import torch.
"""

from app.core.engine._best import BestTracker
from app.core.engine._callbacks import Callback, CallbackList
from app.core.engine._checkpoint import (
    atomic_write,
    load_checkpoint,
    load_weights,
    save_checkpoint,
    save_weights,
)
from app.core.engine._config import MONITORS, OPTIMIZERS, SCHEDULERS, RunConfig, config_fields
from app.core.engine._control import RunControl
from app.core.engine._device import describe_device, memory_in_use, resolve_device
from app.core.engine._evaluate import Predictions, compute_test_metrics, predict
from app.core.engine._events import (
    COMPLETED,
    DIVERGED,
    FAILED,
    STOPPED,
    EpochEnd,
    RunFinished,
    RunStarted,
    StepEnd,
)
from app.core.engine._run_files import RunFiles
from app.core.engine._trainer import FitResult, Trainer

__all__ = [
    "COMPLETED", "DIVERGED", "FAILED", "MONITORS", "OPTIMIZERS", "SCHEDULERS", "STOPPED",
    "BestTracker", "Callback", "CallbackList", "EpochEnd", "FitResult", "Predictions",
    "RunConfig", "RunControl", "RunFiles", "RunFinished", "RunStarted", "StepEnd", "Trainer",
    "atomic_write", "compute_test_metrics", "config_fields", "describe_device", "load_checkpoint",
    "load_weights", "memory_in_use", "predict", "resolve_device", "save_checkpoint",
    "save_weights",
]
