"""``load_dataset``: detect the kind, load, validate, and memoise per unchanged dataset.

A grid of runs loads the same folder many times; hashing and fully decoding every image each
time would dominate short runs. The cache key includes a cheap stat signature (sizes and
mtimes), so an edited, added or removed file invalidates the entry without reading content.
For a folder the signature comes from the same scan the loader reads, so an entry the scan
skips (a broken link, a named pipe) is skipped, never stat-ed into an error.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

from app.core.datasets._assemble import assemble
from app.core.datasets._folders import folder_kind, load_folder
from app.core.datasets._image_cache import remember_gray
from app.core.datasets._names import shown
from app.core.datasets._records import Dataset, TableOptions
from app.core.datasets._scan import FolderScan, scan_folder
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
            f"{shown(root)} does not exist; expected a folder with one sub-folder per class, "
            "or a .csv/.tsv/.txt table"
        )
    root = root.resolve()
    scan = scan_folder(root) if root.is_dir() else None
    key = (str(root), options, scan.signature() if scan else _file_signature(root))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    dataset = _load_uncached(root, options, scan)
    with _lock:
        _cache[key] = dataset
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return dataset


def clear_dataset_cache() -> None:
    """Forget every memoised dataset (tests, or a user pressing "reload")."""
    with _lock:
        _cache.clear()


def _load_uncached(root: Path, options: TableOptions, scan: FolderScan | None) -> Dataset:
    if scan is not None:
        collected = load_folder(scan, folder_kind(scan))
        dataset = assemble(collected)
        if dataset.kind == "image":
            # The loader has just decoded every image; spare prepare_data the header reads.
            remember_gray(dataset, all(c.gray for c in collected.candidates))
        return dataset
    if root.is_file():
        return assemble(load_table(root, options))
    raise DatasetError(f"{shown(root)} is neither a folder nor a regular file; expected a "
                       "folder with one sub-folder per class, or a .csv/.tsv/.txt table")


def _file_signature(root: Path) -> tuple:
    try:
        stat = root.stat()
    except OSError as error:
        raise DatasetError(f"cannot read {shown(root)}: {error.strerror or error}") from None
    return (("", stat.st_size, stat.st_mtime_ns),)
