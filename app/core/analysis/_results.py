"""A run's test split, sample by sample: what it was, what the model said, how sure it was."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.catalog import Catalog, RunDetail, RunRecord, thaw
from app.core.config import RunConfig
from app.core.datasets import Dataset, load_for_run
from app.core.errors import CatalogError, CheckpointError, ModelDeskError
from app.core.models import RunFolder, StoredPredictions, read_bundle
from app.core.models import read_predictions as read_predictions_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SampleResult:
    """One test sample's outcome.

    ``index`` is the sample's index in the dataset; ``sample_id`` its relative path or
    ``"line N"`` (``"sample N"`` when the dataset is not available). ``confidence`` is the
    probability of the predicted class. ``image_path``/``text`` are ``None`` when the dataset
    is not available (or for the other kind).
    """

    index: int
    sample_id: str
    true_label: str
    predicted_label: str
    confidence: float
    correct: bool
    image_path: Path | None
    text: str | None


@dataclass(frozen=True)
class TestResults:
    """Every test sample of one run, in dataset index order.

    ``dataset_available`` is ``False`` when the dataset could not be reloaded as it was when
    the run trained (moved, deleted, edited); samples then carry no image or text and
    ``note`` says why.
    """

    __test__ = False  # not a pytest test class, whatever its name

    run_id: int
    class_names: tuple[str, ...]
    samples: tuple[SampleResult, ...]
    dataset_available: bool = True
    note: str = ""

    @property
    def accuracy(self) -> float | None:
        if not self.samples:
            return None
        return sum(sample.correct for sample in self.samples) / len(self.samples)

    def misclassified(self, true_label: str | None = None,
                      predicted_label: str | None = None) -> tuple[SampleResult, ...]:
        """Wrong predictions, optionally of one true and/or predicted class, surest first."""
        return _by_confidence(
            s for s in self.samples
            if not s.correct
            and (true_label is None or s.true_label == true_label)
            and (predicted_label is None or s.predicted_label == predicted_label)
        )

    def cell(self, true_label: str, predicted_label: str) -> tuple[SampleResult, ...]:
        """The samples of one confusion-matrix cell (the correct ones on the diagonal)."""
        return _by_confidence(
            s for s in self.samples
            if s.true_label == true_label and s.predicted_label == predicted_label
        )

    def confusion_matrix(self) -> tuple[tuple[int, ...], ...]:
        """Counts with rows = true class and columns = predicted class, in class order."""
        position = {name: i for i, name in enumerate(self.class_names)}
        counts = [[0] * len(self.class_names) for _ in self.class_names]
        for sample in self.samples:
            counts[position[sample.true_label]][position[sample.predicted_label]] += 1
        return tuple(tuple(row) for row in counts)


def _by_confidence(samples: Any) -> tuple[SampleResult, ...]:
    return tuple(sorted(samples, key=lambda s: (-s.confidence, s.index)))


def read_predictions(run: RunRecord) -> StoredPredictions | None:
    """The run's test predictions, or ``None`` when it has none (it did not complete)."""
    try:
        return read_predictions_file(RunFolder(run.run_dir).predictions)
    except CheckpointError as error:
        raise CatalogError(f"run {run.id}: {error}") from error


def no_predictions(run_id: int) -> CatalogError:
    return CatalogError(f"run {run_id} has no test predictions (it did not complete)")


def test_results(catalog: Catalog, run_id: int) -> TestResults:
    """Run ``run_id``'s test predictions joined with its dataset's samples.

    The dataset is reloaded from the run's config (memoised by the datasets package). When it
    is gone or changed since training (another fingerprint), the results still come back,
    without images or texts and with ``dataset_available=False`` and a ``note``.

    Raises:
        CatalogError: no such run, or it has no test predictions.
    """
    detail = catalog.get_run(run_id)
    predictions = read_predictions(detail.run)
    if predictions is None:
        raise no_predictions(run_id)
    return join_samples(detail, predictions)


test_results.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def join_samples(detail: RunDetail, predictions: StoredPredictions) -> TestResults:
    """:func:`test_results` for a run whose predictions are already read."""
    run_id = detail.run.id
    recorded = detail.dataset.fingerprint if detail.dataset else None
    class_names = class_names_of(detail, predictions)
    dataset, note = _reload_dataset(detail.run, recorded, predictions)
    samples = []
    for row, index in enumerate(predictions.indices.tolist()):
        target, guess = int(predictions.targets[row]), int(predictions.predicted[row])
        probabilities = predictions.probabilities[row]
        confidence = float(probabilities[guess]) if guess < len(probabilities) else float("nan")
        image_path = text = None
        sample_id = f"sample {index}"
        if dataset is not None:
            sample_id = dataset.sample_ids[index]
            image_path = dataset.files[index] if dataset.files is not None else None
            text = dataset.texts[index] if dataset.texts is not None else None
        samples.append(SampleResult(
            index=index, sample_id=sample_id, true_label=_name(class_names, target),
            predicted_label=_name(class_names, guess), confidence=confidence,
            correct=target == guess, image_path=image_path, text=text))
    samples.sort(key=lambda s: s.index)
    return TestResults(run_id=int(run_id), class_names=class_names, samples=tuple(samples),
                       dataset_available=dataset is not None, note=note)


def _name(class_names: Sequence[str], label: int) -> str:
    return class_names[label] if 0 <= label < len(class_names) else f"class {label}"


def class_names_of(detail: RunDetail, predictions: StoredPredictions) -> tuple[str, ...]:
    """The class names the run trained with: its model bundle, else the dataset record."""
    dataset = detail.dataset
    try:
        return read_bundle(detail.run.run_dir).class_names
    except CheckpointError:
        pass
    if dataset is not None and dataset.class_names:
        return tuple(dataset.class_names)
    width = predictions.probabilities.shape[1] if predictions.probabilities.ndim == 2 else 0
    return tuple(f"class {i}" for i in range(width))


def _reload_dataset(run: RunRecord, recorded: str | None,
                    predictions: StoredPredictions) -> tuple[Dataset | None, str]:
    """The run's dataset as it was at training time, or ``None`` and why not."""
    try:
        config = RunConfig.from_stored(thaw(run.config), where=f"run {run.id}")
        dataset = load_for_run(config.data)
    except ModelDeskError as error:
        return None, f"the dataset cannot be loaded ({error}); images and texts are not shown"
    except OSError as error:
        return None, f"the dataset cannot be read ({error}); images and texts are not shown"
    if recorded is not None and dataset.fingerprint != recorded:
        return None, (f"the dataset at {dataset.path} changed since run {run.id} trained "
                      "(another fingerprint), so its samples may no longer match; images and "
                      "texts are not shown")
    if len(predictions.indices) and int(predictions.indices.max()) >= len(dataset):
        return None, (f"the dataset at {dataset.path} has fewer samples than run {run.id} "
                      "was tested on; images and texts are not shown")
    return dataset, ""
