"""The training engine: training settings and prepared tensors in, events out through callbacks.

Batch mode and the GUI both drive ``Trainer``; they differ only in the callbacks and the
``RunControl`` they pass. The loop writes no file: rank-zero callbacks (``Checkpointing`` and
the run package's writers) do. Importing this package does not import torch.
"""

from app.core.engine._best import BestTracker
from app.core.engine._callbacks import Callback, CallbackList, EventStream, StopRun
from app.core.engine._checkpoint import (
    atomic_write,
    load_checkpoint,
    load_weights,
    save_checkpoint,
    save_weights,
)
from app.core.engine._checkpointing import Checkpointing
from app.core.engine._control import RunControl
from app.core.engine._device import describe_device, memory_in_use, resolve_device
from app.core.engine._distributed import (
    DistributedDataParallel,
    from_environment,
    launched_by_torchrun,
)
from app.core.engine._divergence import DivergenceWatcher
from app.core.engine._evaluate import Predictions, compute_test_metrics, predict
from app.core.engine._events import (
    COMPLETED,
    DIVERGED,
    FAILED,
    PRUNED,
    STOPPED,
    EpochEnd,
    Notice,
    Paused,
    RunFinished,
    RunStarted,
    StepEnd,
)
from app.core.engine._health import NOT_LEARNING, majority_rate
from app.core.engine._snapshot import Snapshot
from app.core.engine._strategy import SingleDevice, Strategy
from app.core.engine._trainer import FitResult, Trainer

__all__ = [
    "COMPLETED", "DIVERGED", "FAILED", "NOT_LEARNING", "PRUNED", "STOPPED",
    "BestTracker", "Callback", "CallbackList", "Checkpointing", "DistributedDataParallel",
    "DivergenceWatcher",
    "EpochEnd", "EventStream", "FitResult", "Notice", "Paused", "Predictions", "RunControl",
    "RunFinished", "RunStarted", "SingleDevice", "Snapshot", "StepEnd", "StopRun", "Strategy",
    "Trainer", "atomic_write", "compute_test_metrics", "describe_device", "from_environment",
    "launched_by_torchrun", "load_checkpoint",
    "load_weights", "majority_rate", "memory_in_use", "predict", "resolve_device",
    "save_checkpoint", "save_weights",
]
