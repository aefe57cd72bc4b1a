"""error_diff: per-sample fixed/broke between two runs on the same test split."""

from __future__ import annotations

from app.core.analysis import ErrorDiff, error_diff, test_results
from tests.core.analysis.analysis_runs import Runs


def _correct(runs: Runs, run_id: int) -> dict[int, bool]:
    return {s.index: s.correct for s in test_results(runs.catalog, run_id).samples}


def test_same_split_runs_diff_by_sample(runs: Runs):
    diff = error_diff(runs.catalog, runs.weak, runs.good)
    a, b = _correct(runs, runs.weak), _correct(runs, runs.good)

    assert isinstance(diff, ErrorDiff)
    assert diff.comparable and diff.reason == ""
    assert (diff.run_a, diff.run_b) == (runs.weak, runs.good)
    assert {s.index for s in diff.fixed} == {i for i in a if not a[i] and b[i]}
    assert {s.index for s in diff.broke} == {i for i in a if a[i] and not b[i]}
    assert diff.both_wrong == sum(1 for i in a if not a[i] and not b[i])
    assert diff.both_right == sum(1 for i in a if a[i] and b[i])
    assert len(diff.fixed) + len(diff.broke) + diff.both_wrong + diff.both_right == len(a)
    assert diff.fixed  # the weak run is wrong where the good one is right
    assert all(s.correct for s in diff.fixed)  # B's view of the sample
    assert not any(s.correct for s in diff.broke)
    confidences = [s.confidence for s in diff.fixed]
    assert confidences == sorted(confidences, reverse=True)

    reverse = error_diff(runs.catalog, runs.good, runs.weak)
    assert {s.index for s in reverse.fixed} == {s.index for s in diff.broke}
    assert {s.index for s in reverse.broke} == {s.index for s in diff.fixed}


def test_different_seeds_are_not_comparable(runs: Runs):
    diff = error_diff(runs.catalog, runs.good, runs.other_seed)
    assert not diff.comparable
    assert diff.reason == (f"runs {runs.good} and {runs.other_seed} were tested on different "
                           "splits (seed 0 vs 1); the error diff needs the same test split")
    assert diff.fixed == diff.broke == () and diff.both_right == diff.both_wrong == 0


def test_other_data_or_missing_predictions_are_not_comparable(runs: Runs):
    other_data = error_diff(runs.catalog, runs.good, runs.image)
    assert not other_data.comparable
    assert "different datasets" in other_data.reason
    unfinished = error_diff(runs.catalog, runs.good, runs.unfinished)
    assert not unfinished.comparable
    assert unfinished.reason == (f"run {runs.unfinished} has no test predictions "
                                 "(it did not complete)")
    same = error_diff(runs.catalog, runs.good, runs.good)
    assert not same.comparable and "two different runs" in same.reason
