"""Checkpoint files: atomic writes, safe loading, clear errors."""

from __future__ import annotations

import os
import pickle

import pytest
import torch

from app.core.engine import (
    atomic_write,
    load_checkpoint,
    load_weights,
    save_checkpoint,
    save_weights,
)
from app.core.errors import CheckpointError


def test_checkpoint_round_trip(tmp_path) -> None:
    path = tmp_path / "run" / "checkpoint.pt"
    save_checkpoint(path, {"epoch": 3, "model": {"w": torch.ones(2)}, "best": {"value": None}})
    state = load_checkpoint(path)
    assert state["epoch"] == 3 and torch.equal(state["model"]["w"], torch.ones(2))
    assert [p.name for p in path.parent.iterdir()] == ["checkpoint.pt"]  # no temp file left


def test_a_failed_write_keeps_the_previous_file(tmp_path) -> None:
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, {"epoch": 1})

    def crash_midway(tmp):
        tmp.write_bytes(b"half a checkpoint")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(path, crash_midway)
    assert load_checkpoint(path)["epoch"] == 1
    assert os.listdir(tmp_path) == ["checkpoint.pt"]


class _Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_a_pickle_that_would_run_code_is_refused(tmp_path) -> None:
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"format": "modeldesk-checkpoint", "x": _Payload()}, protocol=2))
    with pytest.raises(CheckpointError, match="cannot be read"):
        load_checkpoint(path)


@pytest.mark.parametrize("content", [b"", b"not a checkpoint at all"])
def test_garbage_is_refused_with_the_path(tmp_path, content) -> None:
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=str(path)):
        load_checkpoint(path)


def test_a_foreign_torch_file_is_not_a_checkpoint(tmp_path) -> None:
    path = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(1)}, path)
    with pytest.raises(CheckpointError, match="not a ModelDesk checkpoint"):
        load_checkpoint(path)


def test_missing_checkpoint_says_the_run_cannot_resume(tmp_path) -> None:
    with pytest.raises(CheckpointError, match="cannot be resumed"):
        load_checkpoint(tmp_path / "nope.pt")


def test_weights_keep_their_metadata(tmp_path) -> None:
    path = tmp_path / "model.safetensors"
    save_weights(path, {"w": torch.arange(4.0)}, {"model": "mlp", "class_names": ["a", "b"]})
    tensors, metadata = load_weights(path)
    assert torch.equal(tensors["w"], torch.arange(4.0))
    assert metadata["model"] == "mlp" and metadata["class_names"] == '["a", "b"]'
