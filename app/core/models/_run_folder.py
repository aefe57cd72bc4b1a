"""The files of one run folder and the artifact kinds the catalog records, named in one place.

A run folder holds what a run produced; the catalog's ``artifacts`` table lists the same files
by kind with size and sha256. Writers (the run package), readers (models, analysis, inference)
and the window all go through these names instead of spelling file names themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ArtifactKind:
    """One kind of run file: its catalog kind, its file name and format, what it is for."""

    kind: str
    filename: str
    format: str
    purpose: str


CHECKPOINT = ArtifactKind("checkpoint", "checkpoint.pt", "torch",
                          "training state after the last completed epoch (resume)")
WEIGHTS = ArtifactKind("weights", "model.safetensors", "safetensors",
                       "weights of the best epoch (try it, export, fine-tuning)")
BUNDLE = ArtifactKind("bundle", "bundle.json", "json",
                      "the model's recipe: architecture, options, classes, preprocessing")
PREDICTIONS = ArtifactKind("predictions", "predictions.safetensors", "safetensors",
                           "test-split indices, targets, predictions and probabilities")
LEGACY_PREPROCESSING = ArtifactKind("preprocessing", "preprocessing.json", "json",
                                    "first layout only: what inference needed")

ARTIFACT_KINDS: tuple[ArtifactKind, ...] = (CHECKPOINT, WEIGHTS, BUNDLE, PREDICTIONS,
                                            LEGACY_PREPROCESSING)

USABLE_MODEL = WEIGHTS.kind
"""The artifact kind whose presence means "this run has a model to try, export or tune"."""


@dataclass(frozen=True)
class RunFolder:
    """Paths inside one run's folder (nothing is created or read here)."""

    path: Path

    def file(self, kind: ArtifactKind) -> Path:
        return Path(self.path) / kind.filename

    @property
    def checkpoint(self) -> Path:
        return self.file(CHECKPOINT)

    @property
    def weights(self) -> Path:
        return self.file(WEIGHTS)

    @property
    def bundle(self) -> Path:
        return self.file(BUNDLE)

    @property
    def predictions(self) -> Path:
        return self.file(PREDICTIONS)

    @property
    def legacy_preprocessing(self) -> Path:
        return self.file(LEGACY_PREPROCESSING)

    def remove_temporaries(self) -> list[Path]:
        """Delete what a killed atomic write left (``.<name>.<random>.tmp``); return it.

        Only a run that is not executing may be cleaned: its writer would lose its file.
        """
        folder = Path(self.path)
        if not folder.is_dir():
            return []
        removed = []
        for path in folder.glob(".*.tmp"):
            if path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed
