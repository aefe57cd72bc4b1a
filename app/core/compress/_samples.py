"""The run's own samples, encoded exactly as the ONNX graph takes them (by the export
layer's ``raw_inputs``, the same code the parity check feeds its graphs with).

Accuracy is measured on the run's test split (``analysis.test_results``) and static int8 is
calibrated on its training split: calibrating on test samples would tune the quantisation to
the very data the accuracy is then measured on.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.core.analysis import test_results
from app.core.catalog import Catalog, thaw
from app.core.compress._errors import CompressionError
from app.core.config import RunConfig
from app.core.datasets import Preprocessing, load_for_run, split_dataset
from app.core.errors import ModelDeskError
from app.core.export import raw_inputs


@dataclass(frozen=True)
class LabelledInputs:
    """Encoded samples (``inputs``: the ONNX input array) with their true class indices."""

    inputs: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def test_inputs(catalog: Catalog, run_id: int, preprocessing: Preprocessing,
                class_names: Sequence[str]) -> LabelledInputs:
    """The run's test samples; an error when the dataset is gone (nothing to measure on)."""
    results = test_results(catalog, run_id)
    if not results.dataset_available or not results.samples:
        raise CompressionError(f"run {run_id}: its test samples are not available "
                               f"({results.note or 'the run has none'}); the compressed "
                               "model's accuracy cannot be measured")
    items = [s.image_path if s.image_path is not None else s.text for s in results.samples]
    position = {name: i for i, name in enumerate(class_names)}
    labels = np.array([position[s.true_label] for s in results.samples], dtype=np.int64)
    return LabelledInputs(raw_inputs(preprocessing, items), labels)


test_inputs.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def training_inputs(catalog: Catalog, run_id: int, preprocessing: Preprocessing,
                    count: int) -> np.ndarray:
    """Up to ``count`` of the run's training samples (a seeded spread over the split)."""
    detail = catalog.get_run(run_id)
    try:
        config = RunConfig.from_stored(thaw(detail.run.config), where=f"run {run_id}")
        dataset = load_for_run(config.data)
        split = split_dataset(dataset, config.data.val_fraction, config.data.test_fraction,
                              config.seed)
    except (ModelDeskError, OSError) as error:
        raise CompressionError(f"run {run_id}: its training samples, needed to calibrate "
                               f"static int8, cannot be loaded ({error})") from None
    recorded = detail.dataset.fingerprint if detail.dataset else None
    if recorded is not None and dataset.fingerprint != recorded:
        raise CompressionError(f"run {run_id}: the dataset at {dataset.path} changed since the "
                               "run trained, so its training samples cannot calibrate static "
                               "int8; restore the dataset or use int8_dynamic")
    chosen = sorted(random.Random(0).sample(split.train, min(count, len(split.train))))
    items = [dataset.files[i] if dataset.files is not None else dataset.texts[i]
             for i in chosen]
    return raw_inputs(preprocessing, items)
