"""Trained models as one record: ``ModelBundle`` with ``save_bundle`` / ``load_bundle``, and
the run-folder layout with the artifact kinds the catalog records.

Importing this package does not import torch; loading a bundle does.
"""

from app.core.models._build import build_model, resolve_build_options
from app.core.models._bundle import BUNDLE_FORMAT, BUNDLE_VERSION, ModelBundle
from app.core.models._io import has_model, load_bundle, read_bundle, save_bundle
from app.core.models._predictions import StoredPredictions, read_predictions, save_predictions
from app.core.models._run_cache import RunCache
from app.core.models._run_folder import (
    ARTIFACT_KINDS,
    BUNDLE,
    CHECKPOINT,
    LEGACY_PREPROCESSING,
    PREDICTIONS,
    USABLE_MODEL,
    WEIGHTS,
    ArtifactKind,
    RunFolder,
)

__all__ = [
    "ARTIFACT_KINDS", "BUNDLE", "BUNDLE_FORMAT", "BUNDLE_VERSION", "CHECKPOINT",
    "LEGACY_PREPROCESSING", "PREDICTIONS", "USABLE_MODEL", "WEIGHTS", "ArtifactKind",
    "ModelBundle", "RunCache", "RunFolder", "StoredPredictions", "build_model", "has_model",
    "load_bundle", "read_bundle", "read_predictions", "resolve_build_options", "save_bundle",
    "save_predictions",
]
