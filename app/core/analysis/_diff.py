"""Which test samples one run fixed and another broke: only meaningful on the same split."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.analysis._results import SampleResult, TestResults, read_predictions, test_results
from app.core.catalog import Catalog, RunRecord

_SPLIT_KEYS = ("seed", "val_fraction", "test_fraction")


@dataclass(frozen=True)
class ErrorDiff:
    """Run B against run A on their common test split.

    ``fixed`` (wrong in A, right in B) and ``broke`` (right in A, wrong in B) hold B's
    results, surest first. When ``comparable`` is ``False`` they are empty, the counts are
    zero and ``reason`` says why in words a person understands.
    """

    run_a: int
    run_b: int
    comparable: bool
    reason: str
    fixed: tuple[SampleResult, ...] = ()
    broke: tuple[SampleResult, ...] = ()
    both_wrong: int = 0
    both_right: int = 0


def error_diff(catalog: Catalog, run_a: int, run_b: int) -> ErrorDiff:
    """Compare the per-sample test outcomes of two runs.

    Comparable only if both runs have test predictions, were trained on the same dataset
    (same fingerprint) and were tested on the same samples (same split).

    Raises:
        CatalogError: a run does not exist.
    """
    a, b = catalog.get_run(run_a), catalog.get_run(run_b)
    reason = _incomparable(a.run, b.run, a.dataset, b.dataset)
    if reason:
        return ErrorDiff(int(run_a), int(run_b), comparable=False, reason=reason)
    results_a, results_b = test_results(catalog, run_a), test_results(catalog, run_b)
    if {s.index for s in results_a.samples} != {s.index for s in results_b.samples}:
        return ErrorDiff(int(run_a), int(run_b), comparable=False,
                         reason=_split_reason(a.run, b.run))
    return _diff(results_a, results_b)


def _incomparable(a: RunRecord, b: RunRecord, dataset_a: object, dataset_b: object) -> str:
    if a.id == b.id:
        return "choose two different runs for an error diff"
    for run in (a, b):
        if read_predictions(run) is None:
            return f"run {run.id} has no test predictions (it did not complete)"
    fingerprint_a = getattr(dataset_a, "fingerprint", None)
    fingerprint_b = getattr(dataset_b, "fingerprint", None)
    if fingerprint_a is None or fingerprint_a != fingerprint_b:
        return (f"runs {a.id} and {b.id} were trained on different datasets (or different "
                "versions of one); the error diff needs the same data")
    if _test_indices(a) != _test_indices(b):
        return _split_reason(a, b)
    return ""


def _test_indices(run: RunRecord) -> frozenset[int]:
    predictions = read_predictions(run)
    return frozenset(predictions.indices.tolist()) if predictions is not None else frozenset()


def _split_reason(a: RunRecord, b: RunRecord) -> str:
    differences = [f"{key} {a.config.get(key)} vs {b.config.get(key)}" for key in _SPLIT_KEYS
                   if a.config.get(key) != b.config.get(key)]
    detail = f" ({', '.join(differences)})" if differences else ""
    return (f"runs {a.id} and {b.id} were tested on different splits{detail}; "
            "the error diff needs the same test split")


def _diff(results_a: TestResults, results_b: TestResults) -> ErrorDiff:
    right_a = {s.index: s.correct for s in results_a.samples}
    fixed, broke, both_wrong, both_right = [], [], 0, 0
    for sample in results_b.samples:
        was_right = right_a[sample.index]
        if sample.correct and not was_right:
            fixed.append(sample)
        elif was_right and not sample.correct:
            broke.append(sample)
        elif sample.correct:
            both_right += 1
        else:
            both_wrong += 1

    def surest_first(samples: list[SampleResult]) -> tuple[SampleResult, ...]:
        return tuple(sorted(samples, key=lambda s: (-s.confidence, s.index)))

    return ErrorDiff(results_a.run_id, results_b.run_id, comparable=True, reason="",
                     fixed=surest_first(fixed), broke=surest_first(broke),
                     both_wrong=both_wrong, both_right=both_right)
