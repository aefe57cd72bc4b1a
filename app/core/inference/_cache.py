"""A small cache of predictors, so "try it" on the same run does not reload its weights."""

from __future__ import annotations

from app.core.catalog import Catalog
from app.core.inference._predictor import Predictor
from app.core.models import RunCache

CACHE_SIZE = 4
"""Predictors kept; each holds one model's weights in memory."""

_cache: RunCache[Predictor] = RunCache(Predictor.from_run, CACHE_SIZE)


def load_predictor(catalog: Catalog, run_id: int) -> Predictor:
    """:meth:`Predictor.from_run`, remembered per (catalog file, run id, weights mtime).

    A run that saves better weights (it is still training, or was resumed) changes the
    weights file's mtime and so is loaded afresh. Errors are not cached.
    """
    return _cache.get(catalog, run_id)


def clear_predictor_cache() -> None:
    """Forget every cached predictor (tests; or to free memory)."""
    _cache.clear()
