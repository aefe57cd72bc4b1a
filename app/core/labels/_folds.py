"""Out-of-sample predicted probabilities: every sample scored by a model that never saw it.

Confident learning needs probabilities a model did not fit to the very labels it judges:
a classifier that memorised a wrong label would vouch for it. Stratified K-fold (seeded)
trains a logistic regression on the other folds' features and predicts the held-out fold;
with frozen features that costs seconds even for ten thousand samples.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from app.core.errors import DatasetError

DEFAULT_FOLDS = 5


def out_of_sample_probabilities(features: Any, labels: Any, num_classes: int, *,
                                folds: int = DEFAULT_FOLDS, seed: int = 0,
                                on_fold: Callable[[int, int], None] | None = None) -> Any:
    """An ``N×num_classes`` array; row ``i`` comes from the fold model that held ``i`` out.

    ``on_fold(done, total)`` hears each fold before it trains and after the last (it may
    raise to cancel).

    Raises:
        DatasetError: fewer than two samples per fold, or a single class.
    """
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    labels = np.asarray(labels, dtype=np.int64)
    counts = np.bincount(labels, minlength=num_classes)
    if (counts > 0).sum() < 2:
        raise DatasetError("checking labels needs samples of at least 2 classes")
    splits = int(min(folds, counts.max(), len(labels) // 2))
    if splits < 2:
        raise DatasetError(f"checking labels needs at least 4 samples (got {len(labels)})")
    dense = not hasattr(features, "tocsr")
    matrix = _unit_rows(features) if dense else features.tocsr()
    probabilities = np.zeros((len(labels), num_classes), dtype=np.float64)
    folder = StratifiedKFold(n_splits=splits, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # a class smaller than the fold count is fine here
        warnings.simplefilter("ignore", UserWarning)
        parts = list(folder.split(np.zeros(len(labels)), labels))
    for number, (train, held) in enumerate(parts):
        if on_fold is not None:
            on_fold(number, splits)
        model = _fit(matrix[train], labels[train], seed)
        probabilities[np.ix_(held, model.classes_)] = model.predict_proba(matrix[held])
    if on_fold is not None:
        on_fold(splits, splits)
    return probabilities


def _unit_rows(features: Any) -> Any:
    """Rows scaled to length 1, as MiniLM's embeddings already are: on the label-noise
    benchmark (tests/core/labels) this found more planted errors, and more precisely, than
    standardising each feature."""
    import numpy as np

    matrix = np.asarray(features, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 1e-12, norms, 1.0)


def _fit(matrix: Any, labels: Any, seed: int) -> Any:
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    if len(np.unique(labels)) < 2:  # a fold of one class: predict it with certainty
        from sklearn.dummy import DummyClassifier

        return DummyClassifier(strategy="most_frequent").fit(matrix, labels)
    model = LogisticRegression(C=1.0, max_iter=200, tol=1e-3, random_state=seed)
    with warnings.catch_warnings():  # a few iterations short of the tolerance is fine
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(matrix, labels)
