"""Test metrics against values worked out by hand."""

from __future__ import annotations

import pytest
import torch

from app.core.engine import Predictions, compute_test_metrics


def _predictions(targets, predicted, probabilities=None) -> Predictions:
    targets, predicted = torch.tensor(targets), torch.tensor(predicted)
    if probabilities is None:
        probabilities = torch.nn.functional.one_hot(predicted, 3).float()
    return Predictions(indices=torch.arange(len(targets)), targets=targets, predicted=predicted,
                       probabilities=torch.as_tensor(probabilities, dtype=torch.float32),
                       loss=0.5)


def test_metrics_match_a_hand_worked_example() -> None:
    # class a: 2 of 3 right; b: 1 of 1 right, 1 false positive; c: 1 of 2 right
    pred = _predictions(targets=[0, 0, 0, 1, 2, 2], predicted=[0, 0, 1, 1, 2, 0])
    metrics = compute_test_metrics(pred, ("a", "b", "c"))

    assert metrics["accuracy"] == pytest.approx(4 / 6)
    assert metrics["confusion_matrix"] == [[2, 1, 0], [0, 1, 0], [1, 0, 1]]
    per_class = {row["class"]: row for row in metrics["per_class"]}
    assert per_class["a"]["precision"] == pytest.approx(2 / 3)
    assert per_class["a"]["recall"] == pytest.approx(2 / 3)
    assert per_class["b"]["precision"] == pytest.approx(1 / 2)
    assert per_class["b"]["recall"] == pytest.approx(1.0)
    assert per_class["c"]["precision"] == pytest.approx(1.0)
    assert per_class["c"]["f1"] == pytest.approx(2 / 3)
    assert [row["support"] for row in metrics["per_class"]] == [3, 1, 2]
    f1s = [row["f1"] for row in metrics["per_class"]]
    assert metrics["macro_f1"] == pytest.approx(sum(f1s) / 3)
    # every prediction said 1.0 and 4 of 6 were right: the one bin is off by 1/3
    assert metrics["ece"] == pytest.approx(1 / 3)


def test_roc_auc_is_one_for_perfect_scores_and_undefined_for_absent_classes() -> None:
    probabilities = [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.2, 0.7, 0.1]]
    pred = _predictions(targets=[0, 1, 0, 1], predicted=[0, 1, 0, 1],
                        probabilities=probabilities)
    metrics = compute_test_metrics(pred, ("a", "b", "c"))
    aucs = [row["roc_auc"] for row in metrics["per_class"]]
    assert aucs[0] == pytest.approx(1.0) and aucs[1] == pytest.approx(1.0)
    assert aucs[2] is None  # no test sample of class c: one-vs-rest AUC is undefined
    assert metrics["roc_auc_macro"] == pytest.approx(1.0)
    assert metrics["macro_f1"] == pytest.approx(1.0)  # averaged over classes present


def test_an_empty_test_split_gives_no_scores() -> None:
    pred = _predictions(targets=[], predicted=[], probabilities=torch.empty(0, 3))
    metrics = compute_test_metrics(pred, ("a", "b", "c"))
    assert metrics["samples"] == 0 and metrics["accuracy"] is None
