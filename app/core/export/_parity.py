"""Does the exported file say what the model says? Checked on real samples, two batch sizes.

The same inputs go to both sides: texts become ids once (ModelDesk's encoder) and both get
those ids; images are decoded once per side by the same ``to_array`` path, the export taking
the uint8 pixels and PyTorch the normalised tensor ``encode_for_inference`` makes, exactly as
"Try it" does. Batch 1 and batch N are both run because an export whose batch axis was frozen,
or whose padding leaks, fails only at one of them.

The rule: passed iff top-1 agreement is 1.0 at both batch sizes and the largest absolute
difference of any class probability is at most ``tolerance`` (1e-4 by default; float32
kernels of two runtimes differ by about 1e-7 on these models).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from app.core.datasets import encode_for_inference
from app.core.export._inputs import raw_inputs
from app.core.export._readers import onnx_runner, torch_runner
from app.core.models import ModelBundle

if TYPE_CHECKING:
    from torch import nn

MAX_SAMPLES = 512
"""At most this many test samples are checked (the first ones in dataset order)."""
DEFAULT_TOLERANCE = 1e-4
DEFAULT_BATCH = 32

Runner = Callable[[np.ndarray], np.ndarray]
"""Raw inputs (uint8 pixels or int64 ids) → ``N×classes`` probabilities."""


@dataclass(frozen=True)
class Parity:
    """The check's figures. ``agreement_*`` are top-1 agreement fractions, ``max_diff_*`` the
    largest absolute probability difference, at batch 1 and at ``batch_size``."""

    samples: int
    batch_size: int
    tolerance: float
    agreement_batch1: float
    agreement_batch_n: float
    max_diff_batch1: float
    max_diff_batch_n: float

    @property
    def agreement(self) -> float:
        return min(self.agreement_batch1, self.agreement_batch_n)

    @property
    def max_diff(self) -> float:
        return max(self.max_diff_batch1, self.max_diff_batch_n)

    @property
    def passed(self) -> bool:
        return self.agreement == 1.0 and self.max_diff <= self.tolerance

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "samples": self.samples, "batch_size": self.batch_size,
                "tolerance": self.tolerance, "agreement": self.agreement,
                "max_abs_diff": self.max_diff,
                "batch_1": {"agreement": self.agreement_batch1,
                            "max_abs_diff": self.max_diff_batch1},
                "batch_n": {"agreement": self.agreement_batch_n,
                            "max_abs_diff": self.max_diff_batch_n},
                "rule": "top-1 agreement 1.0 and max |Δprobability| <= tolerance, "
                        "at batch 1 and batch N"}

    def summary(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (f"parity {verdict} on {self.samples} test samples: top-1 agreement "
                f"{self.agreement_batch1:.2%} (batch 1) / {self.agreement_batch_n:.2%} "
                f"(batch {self.batch_size}), max |Δp| {self.max_diff:.2e} "
                f"(tolerance {self.tolerance:.0e})")


def check_parity(onnx_path: str | Path, model: nn.Module, bundle: ModelBundle,
                 items: Sequence[Any], *, batch_size: int = DEFAULT_BATCH,
                 tolerance: float = DEFAULT_TOLERANCE) -> Parity:
    """Compare the ONNX file (onnxruntime, CPU) with ``model`` (eager) on ``items``: image
    paths or PIL images, or texts; at most :data:`MAX_SAMPLES` are used.

    Raises:
        ExportError: the file is missing, not ONNX, or not a ModelDesk export.
        DatasetError: an image cannot be read.
    """
    return compare(onnx_runner(Path(onnx_path), bundle), model, bundle, items,
                   batch_size=batch_size, tolerance=tolerance)


def check_torch_parity(pt2_path: str | Path, model: nn.Module, bundle: ModelBundle,
                       items: Sequence[Any], *, batch_size: int = DEFAULT_BATCH,
                       tolerance: float = DEFAULT_TOLERANCE) -> Parity:
    """:func:`check_parity` for a ``.pt2`` file (read back with ``torch.export.load``)."""
    return compare(torch_runner(Path(pt2_path)), model, bundle, items,
                   batch_size=batch_size, tolerance=tolerance)


def compare(run: Runner, model: nn.Module, bundle: ModelBundle, items: Sequence[Any], *,
            batch_size: int, tolerance: float) -> Parity:
    """The figures of ``run`` against ``model`` at batch 1 and batch ``batch_size``."""
    items = list(items)[:MAX_SAMPLES]
    if not items:
        raise ValueError("the parity check needs at least one sample")
    model.eval()
    single = _measure(run, model, bundle, [items[i:i + 1] for i in range(len(items))])
    chunks = [items[i:i + batch_size] for i in range(0, len(items), batch_size)]
    batched = _measure(run, model, bundle, chunks)
    return Parity(samples=len(items), batch_size=batch_size, tolerance=float(tolerance),
                  agreement_batch1=single[0], agreement_batch_n=batched[0],
                  max_diff_batch1=single[1], max_diff_batch_n=batched[1])


def _measure(run: Runner, model: nn.Module, bundle: ModelBundle,
             chunks: Sequence[Sequence[Any]]) -> tuple[float, float]:
    import torch

    agree = total = 0
    worst = 0.0
    with torch.inference_mode():
        for chunk in chunks:
            ours = np.asarray(run(raw_inputs(bundle.preprocessing, chunk)), dtype=np.float64)
            logits = model(encode_for_inference(bundle.preprocessing, chunk)).float()
            theirs = torch.softmax(logits, dim=1).double().numpy()
            if ours.shape != theirs.shape:
                return 0.0, float("inf")
            agree += int((ours.argmax(1) == theirs.argmax(1)).sum())
            total += len(chunk)
            difference = np.abs(ours - theirs)
            worst = max(worst, float(np.nan_to_num(difference, nan=np.inf).max()))
    return agree / total, worst
