"""``check_labels``: which samples of a dataset are most likely mislabeled, ranked.

Out-of-sample probabilities (``_folds``) on frozen features (``_features``) go to cleanlab's
confident learning: ``cleanlab.filter.find_label_issues`` picks the samples whose given
label disagrees with what the classes' noise rates predict, ranked by
``cleanlab.rank.get_label_quality_scores`` (self-confidence: the probability the held-out
model gives the given label; lower is more suspicious). The result names the method used so
the analyst knows how much to trust it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.datasets import Dataset
from app.core.engine import RunControl
from app.core.errors import ModelDeskError
from app.core.labels._features import CHECK_IMAGE_SIZE, Progress, sample_features
from app.core.labels._folds import DEFAULT_FOLDS, out_of_sample_probabilities


class LabelCheckCancelled(ModelDeskError):
    """The analyst cancelled the check; nothing was kept."""


@dataclass(frozen=True)
class LabelIssue:
    """One likely mislabeled sample: what it is labelled, what the held-out model says."""

    index: int
    sample_id: str
    given: str
    suggested: str
    score: float  # cleanlab's label quality, 0..1; lower = more likely wrong
    confidence: float  # the held-out probability of the suggested label

    def to_dict(self) -> dict[str, Any]:
        return {"sample_id": self.sample_id, "given": self.given,
                "suggested": self.suggested, "score": round(self.score, 6),
                "confidence": round(self.confidence, 6)}


@dataclass(frozen=True)
class LabelCheck:
    """The ranked issues of one dataset, and how they were found."""

    path: str
    fingerprint: str
    samples: int
    method: str
    pretrained: bool
    folds: int
    seconds: float
    issues: tuple[LabelIssue, ...]
    out_of_sample_accuracy: float

    def to_dict(self) -> dict[str, Any]:
        return {"dataset": self.path, "fingerprint": self.fingerprint,
                "samples": self.samples, "method": self.method, "pretrained": self.pretrained,
                "folds": self.folds, "seconds": round(self.seconds, 2),
                "out_of_sample_accuracy": round(self.out_of_sample_accuracy, 6),
                "issues": [issue.to_dict() for issue in self.issues]}


def check_labels(dataset: Dataset, *, folds: int = DEFAULT_FOLDS, seed: int = 0,
                 pretrained: bool | None = None,
                 image_size: int = CHECK_IMAGE_SIZE,
                 cache_dir: Path | None = None, device: str = "cpu",
                 progress: Progress | None = None,
                 control: RunControl | None = None) -> LabelCheck:
    """Rank ``dataset``'s likely label errors.

    ``progress(stage, done, total)`` hears "features" (samples) and "folds"; ``control``'s
    stop request cancels between batches and folds (``LabelCheckCancelled``). ``cache_dir``
    keeps backbone features and decoded images for the next check or run.
    """
    import numpy as np

    started = time.perf_counter()

    def report(stage: str, done: int, total: int) -> None:
        if control is not None and control.stop_requested:
            raise LabelCheckCancelled("the label check was cancelled")
        if progress is not None:
            progress(stage, done, total)

    features = sample_features(dataset, pretrained=pretrained, image_size=image_size,
                               cache_dir=cache_dir, device=device, progress=report)
    labels = np.asarray(dataset.labels, dtype=np.int64)
    probabilities = out_of_sample_probabilities(
        features.matrix, labels, len(dataset.class_names), folds=folds, seed=seed,
        on_fold=lambda done, total: report("folds", done, total))
    issues = _ranked_issues(dataset, labels, probabilities)
    accuracy = float((probabilities.argmax(axis=1) == labels).mean())
    used = int(min(folds, np.bincount(labels).max(), len(labels) // 2))
    return LabelCheck(path=str(dataset.path), fingerprint=dataset.fingerprint,
                      samples=len(dataset), method=features.method,
                      pretrained=features.pretrained, folds=used,
                      seconds=time.perf_counter() - started, issues=issues,
                      out_of_sample_accuracy=accuracy)


def _ranked_issues(dataset: Dataset, labels: Any, probabilities: Any) -> tuple[LabelIssue, ...]:
    """cleanlab's issues, most suspicious first, among the classes that have samples (it
    wants every column used; a run's label changes may empty a class)."""
    import numpy as np
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    columns = np.unique(labels)
    used = probabilities[:, columns]
    used = used / np.clip(used.sum(axis=1, keepdims=True), 1e-12, None)
    inner = np.searchsorted(columns, labels)
    scores = get_label_quality_scores(inner, used, method="self_confidence")
    ranked = find_label_issues(inner, used, return_indices_ranked_by="self_confidence",
                               n_jobs=1)
    names = dataset.class_names
    suggested = columns[used.argmax(axis=1)]
    return tuple(LabelIssue(index=int(i), sample_id=dataset.sample_ids[i],
                            given=names[labels[i]], suggested=names[suggested[i]],
                            score=float(scores[i]),
                            confidence=float(probabilities[i, suggested[i]]))
                 for i in ranked)
