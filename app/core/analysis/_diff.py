"""Which test samples one run fixed and another broke: only meaningful on the same split."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.analysis._results import SampleResult, TestResults, join_samples, read_predictions
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
        CatalogError: a run does not exist, or a predictions file is damaged.
    """
    a, b = catalog.get_run(run_a), catalog.get_run(run_b)

    def not_comparable(reason: str) -> ErrorDiff:
        return ErrorDiff(int(run_a), int(run_b), comparable=False, reason=reason)

    if a.run.id == b.run.id:
        return not_comparable("choose two different runs for an error diff")
    predictions_a, predictions_b = read_predictions(a.run), read_predictions(b.run)
    if predictions_a is None or predictions_b is None:
        missing = a.run.id if predictions_a is None else b.run.id
        return not_comparable(f"run {missing} has no test predictions (it did not complete)")
    fingerprint_a = a.dataset.fingerprint if a.dataset else None
    fingerprint_b = b.dataset.fingerprint if b.dataset else None
    if fingerprint_a is None or fingerprint_a != fingerprint_b:
        return not_comparable(
            f"runs {a.run.id} and {b.run.id} were trained on different datasets (or different "
            "versions of one); the error diff needs the same data")
    if set(predictions_a.indices.tolist()) != set(predictions_b.indices.tolist()):
        return not_comparable(_split_reason(a.run, b.run))
    return _diff(join_samples(a, predictions_a), join_samples(b, predictions_b))


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
