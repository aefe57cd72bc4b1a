"""How far a run's confidence can be trusted: a reliability diagram's bins, ECE and MCE.

The confidence of a prediction is the probability of its top class. Samples are put in
equal-width bins of confidence; a calibrated model is right as often, in each bin, as it
says. ECE (expected calibration error) is the sample-weighted mean gap between a bin's
accuracy and its mean confidence, MCE the largest gap; both come from torchmetrics'
``multiclass_calibration_error`` (imported when called). The bins are counted here as it
counts them (float32 confidences, ``lower <= confidence < upper``); the last bin also holds a
confidence of exactly 1, which torchmetrics keeps in a slot of its own, so ECE summed from
these bins can differ from the reported one when such samples are mixed with others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_BINS = 10


@dataclass(frozen=True)
class CalibrationBin:
    """One confidence bin; ``mean_confidence``/``accuracy`` are ``None`` when it is empty."""

    lower: float
    upper: float
    count: int
    mean_confidence: float | None
    accuracy: float | None

    @property
    def gap(self) -> float | None:
        """Accuracy minus mean confidence: below zero the model is overconfident here."""
        if self.accuracy is None or self.mean_confidence is None:
            return None
        return self.accuracy - self.mean_confidence


@dataclass(frozen=True)
class Calibration:
    """The bins in confidence order and the errors; ``ece``/``mce`` ``None`` with no samples."""

    bins: tuple[CalibrationBin, ...]
    ece: float | None
    mce: float | None
    samples: int
    accuracy: float | None
    mean_confidence: float | None


def calibration(targets: np.ndarray, probabilities: np.ndarray,
                n_bins: int = DEFAULT_BINS) -> Calibration:
    """Reliability bins and ECE/MCE of ``probabilities`` (N×C) against ``targets`` (N)."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, not {n_bins}")
    targets = np.asarray(targets, dtype=np.int64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    if len(targets) == 0 or probabilities.ndim != 2 or probabilities.shape[1] == 0:
        empty = tuple(CalibrationBin(float(edges[i]), float(edges[i + 1]), 0, None, None)
                      for i in range(n_bins))
        return Calibration(empty, None, None, 0, None, None)
    confidence, slot = _binned(probabilities, n_bins)
    correct = probabilities.argmax(axis=1) == targets
    bins = []
    for i in range(n_bins):
        inside = slot == i
        count = int(inside.sum())
        bins.append(CalibrationBin(
            float(edges[i]), float(edges[i + 1]), count,
            float(confidence[inside].mean()) if count else None,
            float(correct[inside].mean()) if count else None))
    ece, mce = _errors(targets, probabilities, n_bins)
    return Calibration(tuple(bins), ece, mce, len(targets), float(correct.mean()),
                       float(confidence.mean()))


def _binned(probabilities: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Each sample's confidence and bin, as torchmetrics bins them (float32, same edges), so
    a confidence on an edge lands where the reported ECE counted it."""
    import torch

    confidence = torch.from_numpy(np.ascontiguousarray(probabilities)).max(dim=1).values.float()
    edges = torch.linspace(0, 1, n_bins + 1, dtype=confidence.dtype)
    slot = (torch.bucketize(confidence, edges, right=True) - 1).clamp(0, n_bins - 1)
    return confidence.double().numpy(), slot.numpy()


def _errors(targets: np.ndarray, probabilities: np.ndarray, n_bins: int) -> tuple[float, float]:
    import torch
    from torchmetrics.functional.classification import multiclass_calibration_error

    preds = torch.from_numpy(np.ascontiguousarray(probabilities))
    target = torch.from_numpy(targets)
    classes = probabilities.shape[1]
    # Stored probabilities are softmax outputs; validation would re-check every row.
    ece, mce = (float(multiclass_calibration_error(preds, target, num_classes=classes,
                                                   n_bins=n_bins, norm=norm,
                                                   validate_args=False))
                for norm in ("l1", "max"))
    return ece, mce
