"""A small cache of predictors, so "try it" on the same run does not reload its weights."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from app.core.catalog import Catalog
from app.core.inference._predictor import Predictor
from app.core.models import RunFolder

CACHE_SIZE = 4
"""Predictors kept; each holds one model's weights in memory."""

_Key = tuple[str, int, int]
_cache: OrderedDict[_Key, Predictor] = OrderedDict()
_lock = threading.Lock()


def load_predictor(catalog: Catalog, run_id: int) -> Predictor:
    """:meth:`Predictor.from_run`, remembered per (catalog file, run id, weights mtime).

    A run that saves better weights (it is still training, or was resumed) changes the
    weights file's mtime and so is loaded afresh. Errors are not cached.
    """
    weights = RunFolder(catalog.get_run_record(run_id).run_dir).weights
    try:
        mtime = weights.stat().st_mtime_ns
    except OSError:
        mtime = -1  # from_run raises the readable error
    key = (str(Path(catalog.path).resolve()), int(run_id), mtime)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    predictor = Predictor.from_run(catalog, run_id)
    with _lock:
        _cache[key] = predictor
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return predictor


def clear_predictor_cache() -> None:
    """Forget every cached predictor (tests; or to free memory)."""
    with _lock:
        _cache.clear()
