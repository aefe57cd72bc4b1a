"""A trained run rebuilt for inference on the CPU.

Inputs go through ``app.core.datasets.encode_for_inference`` with the run's saved
``preprocessing.json``, the same code path as training, so a prediction here matches what
the run's test metrics measured.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from app.core.catalog import Catalog
from app.core.datasets import encode_for_inference
from app.core.engine import RunFiles
from app.core.errors import CheckpointError, ConfigError
from app.core.palette import get_spec

if TYPE_CHECKING:
    import torch
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
    """A run's model in eval mode on the CPU; build one with :meth:`from_run`.

    ``predict`` may be called from any thread (calls are serialised by a lock); the
    predictor holds no catalog connection.
    """

    def __init__(self, model: nn.Module, preprocessing: Mapping[str, Any],
                 class_names: Sequence[str], *, run_id: int,
                 metadata: Mapping[str, Any] | None = None) -> None:
        kind = preprocessing.get("kind")
        if kind not in ("image", "text"):
            raise CheckpointError(f"run {run_id}: unknown preprocessing kind {kind!r}")
        self._model = model.eval()
        self._preprocessing = dict(preprocessing)
        self._class_names = tuple(str(name) for name in class_names)
        self._kind: str = kind
        self._run_id = int(run_id)
        self._metadata = dict(metadata or {})
        self._lock = threading.Lock()

    @classmethod
    def from_run(cls, catalog: Catalog, run_id: int) -> Predictor:
        """Rebuild run ``run_id``'s best-epoch model from its folder (trashed runs too).

        Raises:
            CatalogError: no such run.
            CheckpointError: the run has no (readable) weights or preprocessing yet, or the
                weights do not fit the model recorded with them.
        """
        files = RunFiles(catalog.get_run_record(run_id).run_dir)
        tensors, metadata = _read_weights(files.weights, run_id)
        preprocessing = _read_preprocessing(files.preprocessing, run_id)
        class_names = metadata.get("class_names") or preprocessing.get("class_names")
        if not class_names or "model" not in metadata:
            raise CheckpointError(
                f"run {run_id}: {files.weights} lacks the model name or class names; "
                "it was not written by ModelDesk"
            )
        model = _rebuild(metadata, preprocessing, tensors, run_id)
        return cls(model, preprocessing, class_names, run_id=run_id, metadata=metadata)

    @property
    def kind(self) -> str:
        """``"image"`` or ``"text"``: what :meth:`predict` takes."""
        return self._kind

    @property
    def class_names(self) -> tuple[str, ...]:
        return self._class_names

    @property
    def run_id(self) -> int:
        return self._run_id

    @property
    def metadata(self) -> Mapping[str, Any]:
        """The weights file's metadata (model, epoch, dataset_fingerprint, …), JSON-decoded."""
        return dict(self._metadata)

    def probabilities(self, items: Sequence[Item]) -> list[tuple[float, ...]]:
        """Every class's probability per item, in :attr:`class_names` order."""
        import torch

        if not items:
            return []
        rows: list[tuple[float, ...]] = []
        with self._lock, torch.inference_mode():
            for start in range(0, len(items), _BATCH):
                inputs = encode_for_inference(self._preprocessing, items[start:start + _BATCH])
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
        k = max(1, min(int(top_k), len(self._class_names)))
        results = []
        for row in self.probabilities(items):
            order = sorted(range(len(row)), key=lambda i: (-row[i], i))[:k]
            results.append(tuple(ClassScore(self._class_names[i], row[i]) for i in order))
        return results

    def __repr__(self) -> str:
        return f"Predictor(run {self._run_id}, {self._kind}, {len(self._class_names)} classes)"


def _read_weights(path: Path, run_id: int) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    from app.core.engine import load_weights

    if not path.is_file():
        raise CheckpointError(
            f"run {run_id} has no trained weights yet; they are saved when its first epoch "
            "ends, so wait for that or train the run again"
        )
    try:
        tensors, raw = load_weights(path)
    except CheckpointError as error:
        raise CheckpointError(
            f"run {run_id} has no trained weights yet that can be used: {error}; "
            "train the run again"
        ) from error
    return tensors, {key: _decode(value) for key, value in raw.items()}


def _decode(value: str) -> Any:
    """Metadata values are JSON, except strings, which ``save_weights`` stores as they are."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def _read_preprocessing(path: Path, run_id: int) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(
            f"run {run_id} has no preprocessing.json, so its inputs cannot be prepared; "
            "train the run again"
        ) from None
    except (OSError, ValueError) as error:
        raise CheckpointError(f"run {run_id}: {path} cannot be read ({error})") from error
    if not isinstance(data, dict):
        raise CheckpointError(f"run {run_id}: {path} is not a preprocessing description")
    return data


def _rebuild(metadata: Mapping[str, Any], preprocessing: Mapping[str, Any],
             tensors: Mapping[str, torch.Tensor], run_id: int) -> nn.Module:
    """Build the recorded architecture and load the weights into it.

    Training builds position-limited text models with ``max_length`` taken from the data
    unless the user set it, but the metadata records the options before that substitution,
    so both values are tried; the one whose shapes fit the weights wins.
    """
    try:
        spec = get_spec(str(metadata["model"]))
    except ConfigError as error:
        raise CheckpointError(f"run {run_id} was trained with a model this ModelDesk "
                              f"does not have: {error}") from None
    options = dict(metadata.get("model_options") or {})
    candidates = [options]
    if "max_length" in options and "max_length" in preprocessing:
        candidates.insert(0, {**options, "max_length": int(preprocessing["max_length"])})
    problem = ""
    for candidate in candidates:
        try:
            model = spec.build(len(metadata["class_names"]),
                               in_channels=metadata.get("in_channels") or 3,
                               image_size=metadata.get("image_size"),
                               vocab_size=metadata.get("vocab_size"), **candidate)
            model.load_state_dict(dict(tensors))
        except (ConfigError, RuntimeError, TypeError, ValueError) as error:
            problem = str(error).splitlines()[0] if str(error) else type(error).__name__
            continue
        return model.to("cpu").eval()
    raise CheckpointError(
        f"run {run_id}: its weights do not fit a {spec.name} model ({problem})"
    )
