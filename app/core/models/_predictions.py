"""The test predictions file of a run: written with torch at the end of training, read with
numpy by analysis (which never imports torch)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.core.engine import atomic_write
from app.core.errors import CheckpointError

if TYPE_CHECKING:
    from app.core.engine import Predictions

_KEYS = ("indices", "targets", "predicted", "probabilities")


@dataclass(frozen=True)
class StoredPredictions:
    """The arrays of a predictions file, row ``i`` describing test sample ``indices[i]``."""

    indices: np.ndarray
    targets: np.ndarray
    predicted: np.ndarray
    probabilities: np.ndarray


def save_predictions(path: Path, predictions: Predictions) -> None:
    from safetensors.torch import save_file

    tensors = {
        "indices": predictions.indices.contiguous(),
        "targets": predictions.targets.contiguous(),
        "predicted": predictions.predicted.contiguous(),
        "probabilities": predictions.probabilities.float().contiguous(),
    }
    atomic_write(path, lambda tmp: save_file(tensors, str(tmp)))


def read_predictions(path: Path) -> StoredPredictions | None:
    """The file's arrays, or ``None`` when there is no file (the run did not complete).

    Raises:
        CheckpointError: the file is damaged or inconsistent.
    """
    from safetensors.numpy import load_file

    if not Path(path).is_file():
        return None
    try:
        arrays = load_file(str(path))
        stored = StoredPredictions(
            indices=arrays["indices"].astype(np.int64),
            targets=arrays["targets"].astype(np.int64),
            predicted=arrays["predicted"].astype(np.int64),
            probabilities=arrays["probabilities"].astype(np.float64),
        )
    except Exception as error:  # a damaged file has many ways to fail
        raise CheckpointError(f"{path} cannot be read ({error})") from error
    if not len(stored.indices) == len(stored.targets) == len(stored.predicted):
        raise CheckpointError(f"{path} is inconsistent (arrays of different lengths)")
    return stored
