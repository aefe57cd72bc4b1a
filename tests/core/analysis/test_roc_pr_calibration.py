"""ROC/PR curves per class and calibration, checked against scikit-learn and hand counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import average_precision_score, roc_auc_score
from torchmetrics.functional.classification import multiclass_calibration_error

from app.core.analysis import calibration, evaluate_run, roc_pr_curves
from app.core.errors import CatalogError
from tests.core.analysis.analysis_runs import Runs
from tests.core.inference.inference_runs import TEXT_CLASSES


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _informative(samples: int, classes: int, seed: int, signal: float = 1.5):
    """Targets and probabilities that know something, rounded so that scores tie."""
    rng = np.random.default_rng(seed)
    targets = rng.integers(0, classes, samples)
    logits = rng.normal(size=(samples, classes))
    logits[np.arange(samples), targets] += signal
    return targets, np.round(_softmax(logits), 2)


def _area_under(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def _step_area(recall: np.ndarray, precision: np.ndarray) -> float:
    """Average precision as sklearn defines it, from the drawn points (recall ascending)."""
    return float(np.sum(np.diff(recall) * precision[1:]))


@pytest.mark.parametrize("classes", [2, 3, 10])
def test_areas_and_curves_match_scikit_learn(classes: int):
    targets, probabilities = _informative(600, classes, seed=classes)
    names = [f"c{i}" for i in range(classes)]
    result = roc_pr_curves(targets, probabilities, names)

    assert [c.name for c in result.classes] == names
    assert result.samples == 600
    for column, curves in enumerate(result.classes):
        positive = targets == column
        expected_auc = roc_auc_score(positive, probabilities[:, column])
        expected_ap = average_precision_score(positive, probabilities[:, column])
        assert curves.auc == pytest.approx(expected_auc, abs=1e-6)
        assert curves.average_precision == pytest.approx(expected_ap, abs=1e-6)
        # the drawn points are the curves those areas are under
        assert _area_under(curves.roc.x, curves.roc.y) == pytest.approx(expected_auc, abs=1e-6)
        assert _step_area(curves.pr.x, curves.pr.y) == pytest.approx(expected_ap, abs=1e-6)
        assert (curves.roc.x[0], curves.roc.y[0], curves.roc.x[-1], curves.roc.y[-1]) == (
            0, 0, 1, 1)
        assert np.all(np.diff(curves.pr.x) >= 0)
        assert curves.prevalence == pytest.approx(positive.mean())
        assert curves.note == ""
    columns = range(classes)
    assert result.macro_auc == pytest.approx(
        np.mean([roc_auc_score(targets == c, probabilities[:, c]) for c in columns]), abs=1e-6)
    assert result.macro_average_precision == pytest.approx(
        np.mean([average_precision_score(targets == c, probabilities[:, c]) for c in columns]),
        abs=1e-6)


def test_binary_runs_draw_the_positive_class_as_scikit_learn_does():
    targets, probabilities = _informative(300, 2, seed=7)
    result = roc_pr_curves(targets, probabilities, ["cat", "dog"])
    assert result.by_name("dog").auc == pytest.approx(roc_auc_score(targets, probabilities[:, 1]))
    assert result.by_name("cat").auc == pytest.approx(result.by_name("dog").auc, abs=1e-6)


def test_a_perfectly_separating_model_has_areas_of_one():
    targets = np.array([0, 0, 1, 1, 2, 2, 2])
    probabilities = np.eye(3)[targets] * 0.8 + 0.2 / 3
    result = roc_pr_curves(targets, probabilities, ["a", "b", "c"])
    assert [c.auc for c in result.classes] == [1.0, 1.0, 1.0]
    assert [c.average_precision for c in result.classes] == [1.0, 1.0, 1.0]
    assert result.macro_auc == result.macro_average_precision == 1.0


def test_random_scores_are_near_chance():
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 4, 8000)
    probabilities = _softmax(rng.normal(size=(8000, 4)))
    result = roc_pr_curves(targets, probabilities, list("abcd"))
    for curves in result.classes:
        assert curves.auc == pytest.approx(0.5, abs=0.03)
        assert curves.average_precision == pytest.approx(curves.prevalence, abs=0.03)


def test_a_class_missing_from_the_test_split_has_no_curve_and_says_why():
    targets, probabilities = _informative(200, 3, seed=3)
    targets = np.where(targets == 1, 0, targets)  # nobody of class 1 is left
    result = roc_pr_curves(targets, probabilities, ["a", "b", "c"])
    missing = result.by_name("b")
    assert (missing.positives, missing.roc, missing.auc, missing.pr) == (0, None, None, None)
    assert missing.average_precision is None
    assert "no test sample" in missing.note
    present = [roc_auc_score(targets == c, probabilities[:, c]) for c in (0, 2)]
    assert result.macro_auc == pytest.approx(np.mean(present), abs=1e-6)


def test_a_split_of_one_class_has_precision_recall_but_no_roc():
    probabilities = _softmax(np.random.default_rng(1).normal(size=(20, 2)))
    result = roc_pr_curves(np.zeros(20, dtype=np.int64), probabilities, ["only", "other"])
    only = result.by_name("only")
    assert only.roc is None and only.auc is None and "ROC is undefined" in only.note
    assert only.average_precision == pytest.approx(1.0)
    assert result.by_name("other").pr is None


def test_no_test_samples_draw_nothing_and_have_no_calibration_error():
    empty = np.zeros((0, 3))
    result = roc_pr_curves(np.zeros(0, dtype=np.int64), empty, ["a", "b", "c"])
    assert result.samples == 0 and result.macro_auc is None
    assert all(c.roc is None and c.note for c in result.classes)
    calibrated = calibration(np.zeros(0, dtype=np.int64), empty)
    assert (calibrated.ece, calibrated.mce, calibrated.samples) == (None, None, 0)
    assert [b.count for b in calibrated.bins] == [0] * 10


def test_hand_built_calibration_has_the_expected_bins_ece_and_mce():
    # 4 samples said 0.95 and 3 were right (gap 0.20); 6 said 0.55 and 3 were right (0.05)
    sure, unsure = [0.95, 0.05], [0.55, 0.45]
    probabilities = np.array([sure] * 4 + [unsure] * 6)
    targets = np.array([0, 0, 0, 1] + [0, 0, 0, 1, 1, 1])
    result = calibration(targets, probabilities)

    assert [b.count for b in result.bins] == [0, 0, 0, 0, 0, 6, 0, 0, 0, 4]
    assert (result.bins[0].lower, result.bins[0].upper) == (0.0, pytest.approx(0.1))
    high, middle = result.bins[9], result.bins[5]
    assert (high.mean_confidence, high.accuracy) == (pytest.approx(0.95), 0.75)
    assert (middle.mean_confidence, middle.accuracy) == (pytest.approx(0.55), 0.5)
    assert high.gap == pytest.approx(-0.2) and result.bins[0].gap is None
    assert result.ece == pytest.approx(0.4 * 0.2 + 0.6 * 0.05, abs=1e-6)
    assert result.mce == pytest.approx(0.2, abs=1e-6)
    assert (result.samples, result.accuracy) == (10, 0.6)
    assert result.mean_confidence == pytest.approx(0.4 * 0.95 + 0.6 * 0.55)


@pytest.mark.parametrize("n_bins", [5, 10, 15])
def test_ece_is_torchmetrics_own_and_the_weighted_gap_of_the_bins(n_bins: int):
    targets, probabilities = _informative(1000, 5, seed=n_bins, signal=2.5)
    probabilities = np.clip(probabilities, 0.0, 0.99)  # no confidence of exactly 1
    result = calibration(targets, probabilities, n_bins=n_bins)

    own = multiclass_calibration_error(torch.from_numpy(probabilities), torch.from_numpy(targets),
                                       num_classes=5, n_bins=n_bins, norm="l1")
    assert result.ece == pytest.approx(float(own), abs=1e-6)
    weighted = sum(b.count / 1000 * abs(b.gap) for b in result.bins if b.count)
    assert result.ece == pytest.approx(weighted, abs=1e-5)
    assert result.mce == pytest.approx(max(abs(b.gap) for b in result.bins if b.count), abs=1e-5)
    assert sum(b.count for b in result.bins) == 1000


def test_a_bin_count_below_one_is_refused():
    with pytest.raises(ValueError, match="n_bins"):
        calibration(np.zeros(1, dtype=np.int64), np.ones((1, 1)), n_bins=0)


def test_a_trained_run_is_evaluated_from_its_stored_predictions(runs: Runs):
    evaluation = evaluate_run(runs.catalog, runs.good)
    stored = runs.catalog.get_run_record(runs.good).test_metrics

    assert evaluation.class_names == TEXT_CLASSES
    assert evaluation.curves.samples == evaluation.calibration.samples == stored["samples"]
    for curves, recorded in zip(evaluation.curves.classes, stored["per_class"], strict=True):
        assert curves.name == recorded["class"]
        assert curves.positives == recorded["support"]
        assert curves.auc == pytest.approx(recorded["roc_auc"], abs=1e-6)
    assert evaluation.curves.macro_auc == pytest.approx(stored["roc_auc_macro"], abs=1e-6)
    assert evaluation.calibration.accuracy == pytest.approx(stored["accuracy"])
    assert evaluation.calibration.ece == pytest.approx(stored["ece"], abs=1e-6)


def test_a_run_without_predictions_is_a_catalog_error_saying_so(runs: Runs):
    with pytest.raises(CatalogError, match="no test predictions"):
        evaluate_run(runs.catalog, runs.unfinished)
