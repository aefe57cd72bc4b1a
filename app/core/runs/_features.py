"""Frozen-backbone features, computed once per dataset, preprocessing and backbone.

With the backbone frozen, every epoch would run the same images through the same network for
the same answer; computing the features once and training the head on them turns an epoch of
seconds into milliseconds. They are kept in memory for this process and in a safetensors file
beside the catalog for the next one (written under a temporary name, then renamed, so a killed
run never leaves a file that is reused). The key covers the sample contents and their order,
the preprocessing and every backbone tensor, so a changed file, size or backbone never reuses
stale features.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.datasets import PreparedData, TensorSplit

if TYPE_CHECKING:
    import torch
    from torch import nn

_MEMORY_SLOTS = 4
_BATCH = 64
_memory: OrderedDict[str, torch.Tensor] = OrderedDict()
_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class FeatureOutcome:
    """The head's training data and how it was obtained (for the run's notice)."""

    data: PreparedData
    source: str  # "computed", "memory" or "file"
    seconds: float
    path: Path | None

    def describe(self) -> str:
        count = len(self.data.train) + len(self.data.val) + len(self.data.test)
        where = {"computed": f"computed in {self.seconds:.1f} s",
                 "memory": "reused from this session", "file": f"read from {self.path}"}
        return (f"frozen backbone: features of {count} samples {where[self.source]}; each "
                "epoch trains only the head")


def with_cached_features(data: PreparedData, model: nn.Module, device: torch.device,
                         content_key: str, cache_dir: Path | None, *,
                         on_batch: Callable[[int, int], None] | None = None) -> FeatureOutcome:
    """``data`` with each split's inputs replaced by ``model.features`` of them.

    ``on_batch(done, total)`` hears each computed batch (samples so far, samples in all); an
    exception it raises (a cancel) ends the computation and nothing is cached.
    """
    import torch

    key = _key(data, model, content_key)
    path = cache_dir / f"features-{key[:32]}.safetensors" if cache_dir else None
    started = time.perf_counter()
    with _lock:
        table, source = _memory.get(key), "memory"
        if table is None and path is not None and path.is_file():
            table, source = _read(path), "file"
        if table is None:
            table, source = _compute(data, model, device, on_batch), "computed"
            if path is not None:
                _write(path, table)
        _memory[key] = table
        _memory.move_to_end(key)
        while len(_memory) > _MEMORY_SLOTS:
            _memory.popitem(last=False)

    def part(split: TensorSplit) -> TensorSplit:
        rows = table.index_select(0, split.indices) if len(split) else torch.empty(
            (0, table.shape[1]), dtype=table.dtype)
        return TensorSplit(rows, split.labels, split.indices)

    featured = dataclasses.replace(data, train=part(data.train), val=part(data.val),
                                   test=part(data.test), features=True)
    return FeatureOutcome(featured, source, time.perf_counter() - started, path)


def _compute(data: PreparedData, model: nn.Module, device: torch.device,
             on_batch: Callable[[int, int], None] | None = None) -> torch.Tensor:
    """Features of every sample in dataset order (rows of samples in no split stay zero)."""
    import torch

    splits = [s for s in (data.train, data.val, data.test) if len(s)]
    size = max(int(s.indices.max()) for s in splits) + 1
    table: torch.Tensor | None = None
    total, done = sum(len(s) for s in splits), 0
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for split in splits:
                for rows in _batches(split.inputs):
                    batch = _trimmed(split.inputs.index_select(0, rows)).to(device)
                    out = model.features(data.to_model_input(batch)).float().cpu()
                    if table is None:
                        table = torch.zeros((size, out.shape[1]), dtype=torch.float32)
                    table[split.indices[rows]] = out
                    done += len(rows)
                    if on_batch is not None:
                        on_batch(done, total)
    finally:
        model.train(was_training)
    assert table is not None
    return table


def _batches(inputs: torch.Tensor) -> list[torch.Tensor]:
    """Row batches; token ids in order of length, so a batch of short texts is not padded
    to the longest text of the dataset (attention costs grow with the padded length)."""
    import torch

    if len(inputs.shape) == 2 and not inputs.dtype.is_floating_point:  # token ids
        order = torch.argsort(inputs.ne(0).sum(1), stable=True)
    else:
        order = torch.arange(len(inputs))
    return list(order.split(_BATCH))


def _trimmed(batch: torch.Tensor) -> torch.Tensor:
    """Token ids without the padding columns every row of the batch has."""
    if batch.dim() != 2 or batch.is_floating_point():
        return batch
    width = int(batch.ne(0).sum(1).max()) if len(batch) else 1
    return batch[:, :max(width, 1)]


def _key(data: PreparedData, model: nn.Module, content_key: str) -> str:
    digest = hashlib.sha256(content_key.encode())
    digest.update(json.dumps(data.preprocessing.to_json(), sort_keys=True).encode())
    for name, tensor in model.backbone.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def _read(path: Path) -> torch.Tensor | None:
    from safetensors.torch import load_file

    try:
        return load_file(str(path))["features"]
    except Exception:  # noqa: BLE001 - an unreadable cache is recomputed, never trusted
        return None


def _write(path: Path, table: torch.Tensor) -> None:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        save_file({"features": table.contiguous()}, str(temporary))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # no cache file is fine; training goes on


def clear_feature_memory() -> None:
    """Forget the in-memory features (tests, and freeing memory)."""
    with _lock:
        _memory.clear()
