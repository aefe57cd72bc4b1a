"""A trained run rebuilt for inference on the CPU.

The model comes from the run's bundle (``load_bundle``), and inputs go through
``app.core.datasets.encode_for_inference`` with the bundle's preprocessing, the same code path
as training, so a prediction here matches what the run's test metrics measured.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from app.core.catalog import Catalog
from app.core.datasets import encode_for_inference
from app.core.errors import CheckpointError, ConfigError
from app.core.models import ModelBundle, RunFolder, has_model, load_bundle

if TYPE_CHECKING:
    from torch import nn

Item = str | Path | Image.Image
"""Image kind: a file path (``str`` or ``Path``) or a PIL image. Text kind: the text itself
(``str``) or a UTF-8 file (``Path``)."""

_BATCH = 64


@dataclass(frozen=True)
class ClassScore:
    """One class and the probability the model gives it."""

    class_name: str
    probability: float


class Predictor:
    """A model in eval mode on the CPU with its bundle; build one with :meth:`from_run`.

    ``predict`` may be called from any thread (calls are serialised by a lock); the
    predictor holds no catalog connection.
    """

    def __init__(self, model: nn.Module, bundle: ModelBundle, *, run_id: int) -> None:
        self._model = model.eval()
        self._bundle = bundle
        self._run_id = int(run_id)
        self._lock = threading.Lock()

    @classmethod
    def from_run(cls, catalog: Catalog, run_id: int) -> Predictor:
        """Rebuild run ``run_id``'s best-epoch model from its folder (trashed runs too).

        Raises:
            CatalogError: no such run.
            CheckpointError: the run has no (readable) model yet, or its weights do not fit
                the recipe recorded with them.
        """
        folder = RunFolder(catalog.get_run_record(run_id).run_dir)
        if not has_model(folder.path):
            raise CheckpointError(
                f"run {run_id} has no trained weights yet; they are saved when its first epoch "
                "ends, so wait for that or train the run again")
        try:
            model, bundle = load_bundle(folder.path)
        except CheckpointError as error:
            raise CheckpointError(f"run {run_id}: its trained model cannot be used ({error}); "
                                  "train the run again") from error
        return cls(model, bundle, run_id=run_id)

    @property
    def kind(self) -> str:
        """``"image"`` or ``"text"``: what :meth:`predict` takes."""
        return self._bundle.kind

    @property
    def class_names(self) -> tuple[str, ...]:
        return self._bundle.class_names

    @property
    def run_id(self) -> int:
        return self._run_id

    @property
    def bundle(self) -> ModelBundle:
        """The model's recipe (architecture, options, classes, preprocessing, provenance)."""
        return self._bundle

    def probabilities(self, items: Sequence[Item]) -> list[tuple[float, ...]]:
        """Every class's probability per item, in :attr:`class_names` order."""
        import torch

        if not items:
            return []
        rows: list[tuple[float, ...]] = []
        preprocessing = self._bundle.preprocessing
        with self._lock, torch.inference_mode():
            for start in range(0, len(items), _BATCH):
                inputs = encode_for_inference(preprocessing, items[start:start + _BATCH])
                logits = self._model(inputs).float()
                rows.extend(tuple(row) for row in torch.softmax(logits, dim=1).tolist())
        return rows

    def predict(self, items: Sequence[Item], top_k: int = 3) -> list[tuple[ClassScore, ...]]:
        """The ``top_k`` most probable classes per item, most probable first.

        ``top_k`` is clipped to the number of classes. An empty text still gets a prediction
        (it is encoded as the unknown token).

        Raises:
            DatasetError: an image cannot be read (the message names the file).
            ConfigError: an item of the wrong type for this model (a picture for a text model).
        """
        if isinstance(items, str | Path | Image.Image):
            raise ConfigError("predict takes a sequence of items; wrap a single item in a list")
        names = self.class_names
        k = max(1, min(int(top_k), len(names)))
        results = []
        for row in self.probabilities(items):
            order = sorted(range(len(row)), key=lambda i: (-row[i], i))[:k]
            results.append(tuple(ClassScore(names[i], row[i]) for i in order))
        return results

    def __repr__(self) -> str:
        return f"Predictor(run {self._run_id}, {self.kind}, {len(self.class_names)} classes)"
