"""One-vs-rest ROC and precision-recall curves per class, from a run's test probabilities.

The curves and their areas come from torchmetrics' functional API (the same library that
computed the run's stored ROC AUC), imported when called so that importing analysis stays
cheap. A class the test split does not separate gets no curve and a ``note`` saying why,
never a NaN: ROC needs positives and negatives, precision-recall needs positives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Curve:
    """Points of one curve in drawing order: ``x`` and ``y`` of equal length."""

    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True, eq=False)
class ClassCurves:
    """One class against the rest.

    ``roc`` is false positive rate → true positive rate, ``pr`` recall → precision. Each is
    ``None`` (and its area too) when the test split cannot draw it; ``note`` says why.
    """

    name: str
    positives: int
    negatives: int
    roc: Curve | None
    auc: float | None
    pr: Curve | None
    average_precision: float | None
    note: str = ""

    @property
    def prevalence(self) -> float | None:
        """The share of test samples of this class: a random scorer's precision."""
        total = self.positives + self.negatives
        return self.positives / total if total else None


@dataclass(frozen=True, eq=False)
class RocPr:
    """Every class's curves, in class order, and their macro averages.

    The macro averages are means over the classes that have the area (as the stored
    ``roc_auc_macro``), ``None`` when none has.
    """

    classes: tuple[ClassCurves, ...]
    samples: int

    @property
    def macro_auc(self) -> float | None:
        return _mean([c.auc for c in self.classes])

    @property
    def macro_average_precision(self) -> float | None:
        return _mean([c.average_precision for c in self.classes])

    def by_name(self, name: str) -> ClassCurves:
        for curves in self.classes:
            if curves.name == name:
                return curves
        raise KeyError(name)


def roc_pr_curves(targets: np.ndarray, probabilities: np.ndarray,
                  class_names: Sequence[str]) -> RocPr:
    """Per-class one-vs-rest ROC and PR curves of ``probabilities`` (N×C) against ``targets``.

    ``class_names`` gives the classes in column order; a column without a name (or a name
    without a column) is not drawn.
    """
    targets = np.asarray(targets, dtype=np.int64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    count = len(targets)
    width = probabilities.shape[1] if probabilities.ndim == 2 and count else 0
    classes = []
    for column, name in enumerate(class_names):
        positive = targets == column
        positives = int(positive.sum())
        if column >= width:
            classes.append(ClassCurves(name, positives, count - positives, None, None, None,
                                       None, "the run stored no probabilities for this class"))
            continue
        classes.append(_one_class(name, probabilities[:, column], positive))
    return RocPr(classes=tuple(classes), samples=count)


def _one_class(name: str, scores: np.ndarray, positive: np.ndarray) -> ClassCurves:
    import torch
    from torchmetrics.functional.classification import (
        binary_auroc,
        binary_average_precision,
        binary_precision_recall_curve,
        binary_roc,
    )

    positives = int(positive.sum())
    negatives = len(positive) - positives
    if positives == 0:
        return ClassCurves(name, 0, negatives, None, None, None, None,
                           "no test sample of this class, so it has no curve")
    preds = torch.from_numpy(np.ascontiguousarray(scores))
    target = torch.from_numpy(positive.astype(np.int64))
    precision, recall, _ = binary_precision_recall_curve(preds, target)
    pr = Curve(_flipped(recall), _flipped(precision))
    average_precision = float(binary_average_precision(preds, target))
    if negatives == 0:
        return ClassCurves(name, positives, 0, None, None, pr, average_precision,
                           "every test sample is of this class, so ROC is undefined")
    fpr, tpr, _ = binary_roc(preds, target)
    roc = Curve(fpr.double().numpy(), tpr.double().numpy())
    return ClassCurves(name, positives, negatives, roc, float(binary_auroc(preds, target)),
                       pr, average_precision)


def _flipped(values: object) -> np.ndarray:
    """torchmetrics lists PR points from high to low recall; draw them left to right."""
    return values.double().numpy()[::-1].copy()  # type: ignore[attr-defined]


def _mean(values: Sequence[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None
