"""A run's model loaded for explanations, and a small cache of them.

Why not the predictor's model: attribution methods hook the model's layers while they run, and
a prediction on another thread passing through those hooks would be recorded as part of the
explanation (or break it). An explainer holds its own copy of the weights and a lock.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from app.core.catalog import Catalog
from app.core.errors import CheckpointError
from app.core.explain._image import explain_image
from app.core.explain._records import Saliency, TokenAttributions
from app.core.explain._targets import Target
from app.core.explain._text import explain_text
from app.core.models import ModelBundle, RunCache, RunFolder, has_model, load_bundle

if TYPE_CHECKING:
    from torch import nn

CACHE_SIZE = 2
"""Explainers kept (each holds one model's weights)."""


class Explainer:
    """One model in eval mode on the CPU, explained one input at a time (any thread)."""

    def __init__(self, model: nn.Module, bundle: ModelBundle) -> None:
        self._model = model.eval()
        self._bundle = bundle
        self._lock = threading.Lock()

    @classmethod
    def from_run(cls, catalog: Catalog, run_id: int) -> Explainer:
        """Run ``run_id``'s best-epoch model.

        Raises:
            CatalogError: no such run.
            CheckpointError: the run has no (readable) model.
        """
        folder = RunFolder(catalog.get_run_record(run_id).run_dir).path
        if not has_model(folder):
            raise CheckpointError(f"run {run_id} has no trained weights to explain yet")
        model, bundle = load_bundle(folder)
        return cls(model, bundle)

    @property
    def bundle(self) -> ModelBundle:
        return self._bundle

    @property
    def kind(self) -> str:
        return self._bundle.kind

    def explain(self, item: str | Path | Image.Image, target: Target = None,
                ) -> Saliency | TokenAttributions:
        """``explain_image`` for an image model (``item`` a path or PIL image), else
        ``explain_text`` (``item`` the text)."""
        with self._lock:
            if self.kind == "image":
                return explain_image(self._model, self._bundle, item, target)
            return explain_text(self._model, self._bundle, str(item), target)


_cache: RunCache[Explainer] = RunCache(Explainer.from_run, CACHE_SIZE)


def load_explainer(catalog: Catalog, run_id: int) -> Explainer:
    """:meth:`Explainer.from_run`, remembered per (catalog, run, weights mtime) so clicking
    through samples of one run loads its weights once."""
    return _cache.get(catalog, run_id)


def clear_explainer_cache() -> None:
    _cache.clear()
