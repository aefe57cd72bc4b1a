"""The files of one run folder, named in one place.

``checkpoint.pt``      training state after the last completed epoch (resume)
``model.safetensors``  weights of the best epoch (try-it, export, fine-tuning)
``predictions.safetensors``  test-split indices, targets, predictions and probabilities
``preprocessing.json`` what inference needs to turn raw inputs into model inputs
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.engine._checkpoint import atomic_write

if TYPE_CHECKING:
    from app.core.engine._evaluate import Predictions


@dataclass(frozen=True)
class RunFiles:
    folder: Path

    @property
    def checkpoint(self) -> Path:
        return self.folder / "checkpoint.pt"

    @property
    def weights(self) -> Path:
        return self.folder / "model.safetensors"

    @property
    def predictions(self) -> Path:
        return self.folder / "predictions.safetensors"

    @property
    def preprocessing(self) -> Path:
        return self.folder / "preprocessing.json"

    def save_predictions(self, predictions: Predictions) -> None:
        from safetensors.torch import save_file

        tensors = {
            "indices": predictions.indices.contiguous(),
            "targets": predictions.targets.contiguous(),
            "predicted": predictions.predicted.contiguous(),
            "probabilities": predictions.probabilities.float().contiguous(),
        }
        atomic_write(self.predictions, lambda tmp: save_file(tensors, str(tmp)))

    def save_preprocessing(self, preprocessing: dict[str, Any]) -> None:
        text = json.dumps(preprocessing, ensure_ascii=False)
        atomic_write(self.preprocessing, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def load_preprocessing(self) -> dict[str, Any]:
        return json.loads(self.preprocessing.read_text(encoding="utf-8"))
