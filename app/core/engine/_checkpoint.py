"""Atomic checkpoint and weights files, read back without executing code.

A checkpoint is a plain dict of tensors and Python scalars saved with ``torch.save`` and loaded
with ``weights_only=True``; final weights are safetensors. Both are written to a temporary file
in the same folder, flushed to disk and renamed over the target, so a kill at any moment
leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from app.core import testpoints
from app.core.errors import CheckpointError

CHECKPOINT_FORMAT = "modeldesk-checkpoint"
CHECKPOINT_VERSION = 2  # 2: the best epoch's weights ride along when they are not the last


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` then fsync and rename ``tmp_path`` over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        with open(tmp_path, "rb+") as handle:
            os.fsync(handle.fileno())
        testpoints.reached(testpoints.CHECKPOINT_WRITE)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def save_checkpoint(path: Path, state: Mapping[str, Any]) -> None:
    import torch

    payload = {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, **state}
    atomic_write(path, lambda tmp: torch.save(payload, tmp))


def load_checkpoint(path: Path) -> dict[str, Any]:
    import torch

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist; the run cannot be resumed")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # unpickling errors have many types
        raise CheckpointError(f"checkpoint {path} cannot be read ({error})") from error
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} is not a ModelDesk checkpoint")
    if state.get("version", 0) > CHECKPOINT_VERSION:
        raise CheckpointError(f"{path} was written by a newer ModelDesk; upgrade to resume it")
    return state


def save_weights(path: Path, state_dict: Mapping[str, Any], metadata: Mapping[str, Any]) -> None:
    """Model weights as safetensors with JSON-encoded metadata values."""
    from safetensors.torch import save_file

    tensors = {name: t.detach().to("cpu").contiguous() for name, t in state_dict.items()}
    meta = {key: value if isinstance(value, str) else json.dumps(value)
            for key, value in metadata.items()}
    atomic_write(path, lambda tmp: save_file(tensors, str(tmp), metadata=meta))


def load_weights(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Tensors and raw metadata of a safetensors weights file."""
    from safetensors import safe_open

    path = Path(path)
    try:
        with safe_open(str(path), framework="pt") as handle:
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118
            return tensors, dict(handle.metadata() or {})
    except Exception as error:
        raise CheckpointError(f"weights file {path} cannot be read ({error})") from error
