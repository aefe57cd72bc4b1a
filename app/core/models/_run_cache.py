"""A small LRU of objects built from a run's model (predictors, explainers), so trying or
explaining one run again does not reload its weights.

Keyed by (catalog file, run id, weights mtime): a run that saves better weights (still
training, or resumed) is loaded afresh. Errors are not cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from app.core.catalog import Catalog
from app.core.models._run_folder import RunFolder

T = TypeVar("T")


class RunCache(Generic[T]):
    """``get(catalog, run_id)`` gives ``build(catalog, run_id)``, remembered; thread-safe."""

    def __init__(self, build: Callable[[Catalog, int], T], size: int) -> None:
        self._build = build
        self._size = size
        self._items: OrderedDict[tuple[str, int, int], T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, catalog: Catalog, run_id: int) -> T:
        weights = RunFolder(catalog.get_run_record(run_id).run_dir).weights
        try:
            mtime = weights.stat().st_mtime_ns
        except OSError:
            mtime = -1  # build raises the readable error
        key = (str(Path(catalog.path).resolve()), int(run_id), mtime)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        item = self._build(catalog, run_id)
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return item

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
