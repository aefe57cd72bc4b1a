"""A run's evaluation beyond accuracy: ROC and PR curves per class and its calibration."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.analysis._calibration import DEFAULT_BINS, Calibration, calibration
from app.core.analysis._curves import RocPr, roc_pr_curves
from app.core.analysis._results import class_names_of, no_predictions, read_predictions
from app.core.catalog import Catalog


@dataclass(frozen=True, eq=False)
class Evaluation:
    """What the Evaluation tab draws for one run, from its stored test predictions."""

    run_id: int
    class_names: tuple[str, ...]
    curves: RocPr
    calibration: Calibration


def evaluate_run(catalog: Catalog, run_id: int, n_bins: int = DEFAULT_BINS) -> Evaluation:
    """Curves and calibration of run ``run_id``'s test predictions.

    Raises:
        CatalogError: no such run, its predictions file is damaged, or it has none (it did
            not complete: stopped, failed, still running).
    """
    detail = catalog.get_run(run_id)
    predictions = read_predictions(detail.run)
    if predictions is None:
        raise no_predictions(run_id)
    names = class_names_of(detail, predictions)
    return Evaluation(
        run_id=int(run_id),
        class_names=names,
        curves=roc_pr_curves(predictions.targets, predictions.probabilities, names),
        calibration=calibration(predictions.targets, predictions.probabilities, n_bins),
    )
