"""``load_dataset``: detect the kind, load, validate, and memoise per unchanged dataset.

A grid of runs loads the same folder many times; hashing and fully decoding every image each
time would dominate short runs. The cache key includes a cheap stat signature (sizes and
mtimes), so an edited, added or removed file invalidates the entry without reading content.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

from app.core.datasets._assemble import assemble
from app.core.datasets._folders import folder_kind, is_hidden, load_folder, scan_folder
from app.core.datasets._image_cache import remember_gray
from app.core.datasets._records import Dataset, TableOptions
from app.core.datasets._table import load_table
from app.core.errors import DatasetError

_CACHE_SIZE = 8
_cache: OrderedDict[tuple, Dataset] = OrderedDict()
_lock = threading.Lock()


def load_dataset(path: str | os.PathLike[str], options: TableOptions | None = None) -> Dataset:
    """Load and validate the dataset at ``path``; raise ``DatasetError`` if it is unusable.

    Thread-safe. Returns the same ``Dataset`` object for an unchanged dataset loaded with
    the same options.
    """
    options = options or TableOptions()
    root = Path(path).expanduser()
    if not root.exists():
        raise DatasetError(
            f"{root} does not exist; expected a folder with one sub-folder per class, "
            "or a .csv/.tsv/.txt table"
        )
    root = root.resolve()
    key = (str(root), options, _signature(root))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    dataset = _load_uncached(root, options)
    with _lock:
        _cache[key] = dataset
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return dataset


def clear_dataset_cache() -> None:
    """Forget every memoised dataset (tests, or a user pressing "reload")."""
    with _lock:
        _cache.clear()


def _load_uncached(root: Path, options: TableOptions) -> Dataset:
    if root.is_dir():
        scan = scan_folder(root)
        collected = load_folder(scan, folder_kind(scan))
        dataset = assemble(collected)
        if dataset.kind == "image":
            # The loader has just decoded every image; spare prepare_data the header reads.
            remember_gray(dataset, all(c.gray for c in collected.candidates))
        return dataset
    if root.is_file():
        return assemble(load_table(root, options))
    raise DatasetError(f"{root} is neither a folder nor a file")


def _signature(root: Path) -> tuple:
    """Sorted ``(relative path, size, mtime_ns)`` of every non-hidden file and folder."""
    try:
        if root.is_file():
            stat = root.stat()
            return (("", stat.st_size, stat.st_mtime_ns),)
        entries: list[tuple[str, int, int]] = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not is_hidden(d)]
            relative = Path(folder).relative_to(root).as_posix()
            entries.append((relative + "/", 0, 0))  # an added empty class folder counts too
            for name in files:
                if not is_hidden(name):
                    stat = os.stat(os.path.join(folder, name))
                    entries.append((f"{relative}/{name}", stat.st_size, stat.st_mtime_ns))
        return tuple(sorted(entries))
    except OSError as error:
        raise DatasetError(f"cannot read {root}: {error.strerror or error}") from None
