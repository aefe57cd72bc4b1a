"""Forward passes over a split and the final test metrics (torchmetrics).

``predict`` collects logits once; ``test_metrics`` turns them into the catalog's JSON record:
accuracy, per-class and macro precision/recall/F1, confusion matrix, one-vs-rest ROC AUC and
the expected calibration error (``ece``: how far the top-class confidence is from the accuracy,
over ``ECE_BINS`` equal-width bins, as the run detail's Evaluation tab draws them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from torch import nn

ECE_BINS = 10  # the reliability diagram's default (app.core.analysis.DEFAULT_BINS)


@dataclass(frozen=True)
class Predictions:
    """Model outputs on one split: sample indices, targets, predicted class, probabilities."""

    indices: torch.Tensor
    targets: torch.Tensor
    predicted: torch.Tensor
    probabilities: torch.Tensor
    loss: float


def predict(model: nn.Module, split: Any, to_model_input: Any, device: torch.device,
            batch_size: int, amp_dtype: torch.dtype | None = None) -> Predictions:
    """Evaluate ``model`` on a ``TensorSplit`` in eval mode, restoring its training mode."""
    import torch
    import torch.nn.functional as F

    was_training = model.training
    model.eval()
    logits_parts, loss_sum = [], 0.0
    try:
        with torch.inference_mode():
            for start in range(0, len(split.labels), batch_size):
                x = split.inputs[start:start + batch_size].to(device, non_blocking=True)
                y = split.labels[start:start + batch_size].to(device, non_blocking=True)
                with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                    logits = model(to_model_input(x))
                logits = logits.float()
                loss_sum += float(F.cross_entropy(logits, y, reduction="sum"))
                logits_parts.append(logits.cpu())
    finally:
        model.train(was_training)
    logits = torch.cat(logits_parts) if logits_parts else torch.empty((0, 0))
    probabilities = torch.softmax(logits, dim=1) if logits.numel() else logits
    count = len(split.labels)
    return Predictions(
        indices=split.indices.cpu(),
        targets=split.labels.cpu(),
        predicted=probabilities.argmax(dim=1) if count else split.labels.cpu(),
        probabilities=probabilities,
        loss=loss_sum / count if count else float("nan"),
    )


def compute_test_metrics(pred: Predictions, class_names: tuple[str, ...]) -> dict[str, Any]:
    """The JSON-able metrics record stored with a run."""
    from torchmetrics.functional.classification import (
        binary_auroc,
        multiclass_accuracy,
        multiclass_calibration_error,
        multiclass_confusion_matrix,
        multiclass_f1_score,
        multiclass_precision,
        multiclass_recall,
    )

    n = len(class_names)
    if len(pred.targets) == 0:
        return {"samples": 0, "accuracy": None, "macro_f1": None, "classes": list(class_names)}
    t, p = pred.targets, pred.predicted
    kwargs = {"num_classes": n, "zero_division": 0}
    precision = multiclass_precision(p, t, average="none", **kwargs)
    recall = multiclass_recall(p, t, average="none", **kwargs)
    f1 = multiclass_f1_score(p, t, average="none", **kwargs)
    support = [int((t == c).sum()) for c in range(n)]
    auc = [_one_vs_rest_auc(binary_auroc, pred.probabilities[:, c], t == c) for c in range(n)]
    valid_auc = [a for a in auc if a is not None]
    present = [c for c in range(n) if support[c] > 0]
    return {
        "samples": len(t),
        "loss": pred.loss,
        "accuracy": float(multiclass_accuracy(p, t, num_classes=n, average="micro")),
        # Macro averages over classes present in the test split, as sklearn does.
        "macro_precision": _mean([float(precision[c]) for c in present]),
        "macro_recall": _mean([float(recall[c]) for c in present]),
        "macro_f1": _mean([float(f1[c]) for c in present]),
        "roc_auc_macro": _mean(valid_auc) if valid_auc else None,
        "ece": float(multiclass_calibration_error(pred.probabilities, t, num_classes=n,
                                                  n_bins=ECE_BINS)) if n > 1 else None,
        "classes": list(class_names),
        "per_class": [
            {"class": class_names[c], "precision": float(precision[c]),
             "recall": float(recall[c]), "f1": float(f1[c]), "support": support[c],
             "roc_auc": auc[c]}
            for c in range(n)
        ],
        "confusion_matrix": multiclass_confusion_matrix(p, t, num_classes=n).tolist(),
    }


def _one_vs_rest_auc(binary_auroc: Any, scores: Any, positive: Any) -> float | None:
    """ROC AUC of one class against the rest; undefined when the test split lacks either side."""
    positives = int(positive.sum())
    if positives == 0 or positives == len(positive):
        return None
    return float(binary_auroc(scores, positive.long()))


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
