"""Where a dataset's decoded images live: in memory, or in a memory-mapped file when too big.

At 224 px a decoded RGB image is 150 KB, so 50,000 photos need 7.5 GB. A dataset whose decoded
tensor would exceed the memory budget is decoded into ``<cache folder>/<content>-<size>px-
<channels>c.npy`` instead, and later runs (this process or another) map that file without
decoding. The operating system's page cache keeps the hot part in memory, so epochs after the
first stay in the same speed class (``benchmarks/decoded_cache.py``).

A file is written under a temporary name (``.<name>.<pid>.tmp``) and renamed only when
complete and flushed, so a killed process never leaves a file a later run would trust; the
temporaries of processes that are gone are removed on the next use of the folder.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.core import testpoints
from app.core.errors import ConfigError

log = logging.getLogger(__name__)

BUDGET_VARIABLE = "MODELDESK_MEMORY_BUDGET_MB"
BUDGET_SHARE = 0.25
"""Default budget: a quarter of physical memory, leaving the rest to the model, the
optimiser, the window and the page cache that serves a memory-mapped file."""
_FALLBACK_MEMORY = 8 * 2**30  # when the platform does not say how much memory it has
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp$")


@dataclass(frozen=True)
class DecodedCache:
    """Where decoded images may go when they do not fit: ``folder`` (beside the catalog) and
    the budget in bytes (``None``: ``$MODELDESK_MEMORY_BUDGET_MB`` or a share of memory)."""

    folder: Path
    budget_bytes: int | None = None

    def budget(self) -> int:
        return self.budget_bytes if self.budget_bytes is not None else memory_budget()


def memory_budget() -> int:
    """Bytes of decoded images a dataset may hold in memory before it goes to a file."""
    raw = os.environ.get(BUDGET_VARIABLE, "").strip()
    if not raw:
        return int(physical_memory() * BUDGET_SHARE)
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1.0
    if not megabytes >= 0:
        raise ConfigError(f"${BUDGET_VARIABLE} must be a number of megabytes (0 or more); got "
                          f"{raw!r}. Fix or unset it.")
    return int(megabytes * 2**20)


def physical_memory() -> int:
    """Total physical memory in bytes (a fixed 8 GiB where the platform does not say)."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_memory()
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - exotic platforms
        return _FALLBACK_MEMORY


def cache_path(folder: Path, key: str, size: int, channels: int) -> Path:
    return Path(folder) / f"{key}-{size}px-{channels}c.npy"


def open_mapped(path: Path, shape: tuple[int, ...]) -> np.ndarray | None:
    """The complete file at ``path`` mapped copy-on-write (the file is never changed), or
    ``None`` when there is none; a file of another shape or a damaged one is removed."""
    if not path.is_file():
        return None
    try:
        array = np.load(path, mmap_mode="c", allow_pickle=False)
    except (OSError, ValueError) as error:
        log.warning("decoded image cache %s is unreadable (%s); decoding again", path, error)
        path.unlink(missing_ok=True)
        return None
    if array.shape != shape or array.dtype != np.uint8:
        log.warning("decoded image cache %s holds %s %s, not uint8 %s; decoding again", path,
                    array.dtype, array.shape, shape)
        del array
        path.unlink(missing_ok=True)
        return None
    return array


def write_mapped(path: Path, shape: tuple[int, ...],
                 fill: Callable[[np.ndarray], None]) -> np.ndarray:
    """Create ``path`` through a temporary file that ``fill`` writes, then map it."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot create the decoded image cache folder {folder}: {error}. "
                          f"Free disk space or raise ${BUDGET_VARIABLE}.") from None
    remove_stale_temporaries(folder)
    _check_free_space(folder, int(np.prod(shape)))
    temporary = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        array = np.lib.format.open_memmap(temporary, mode="w+", dtype=np.uint8, shape=shape)
        _allocate(temporary)
        fill(array)
        array.flush()
        del array
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        testpoints.reached(testpoints.DECODED_CACHE_WRITE)
        _rename(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ConfigError(f"cannot write the decoded image cache {path}: {error}. Free disk "
                          f"space or raise ${BUDGET_VARIABLE}.") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    mapped = open_mapped(path, shape)
    if mapped is None:  # pragma: no cover - removed by another process in between
        raise ConfigError(f"the decoded image cache {path} vanished while it was opened")
    return mapped


def _check_free_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise ConfigError(f"the decoded images need {needed / 2**30:.1f} GB in {folder} but only "
                          f"{free / 2**30:.1f} GB are free. Free disk space, use smaller "
                          f"images, or raise ${BUDGET_VARIABLE} to keep them in memory.")


def _allocate(temporary: Path) -> None:
    """Reserve the file's blocks now: a full disk is then an ``OSError`` here, not a
    ``SIGBUS`` that kills the process when a mapped page cannot be written back."""
    if not hasattr(os, "posix_fallocate"):  # pragma: no cover - macOS and Windows
        return
    with open(temporary, "rb+") as handle:
        os.posix_fallocate(handle.fileno(), 0, os.fstat(handle.fileno()).st_size)


def _rename(temporary: Path, path: Path) -> None:
    try:
        os.replace(temporary, path)
    except PermissionError:  # pragma: no cover - Windows: another process maps the same file
        if not path.is_file():
            raise
        temporary.unlink(missing_ok=True)  # it wrote the same content first


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete temporaries left by processes that no longer run (killed mid-write)."""
    from app.core.catalog._files import pid_alive  # lazily: the catalog loads sqlite-utils

    removed = []
    for path in Path(folder).glob(".*.tmp"):
        match = _TEMPORARY.match(path.name)
        if match is None:
            continue
        pid = int(match["pid"])
        if pid != os.getpid() and pid_alive(pid):  # another process is writing it now
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
        log.info("removed %s, a decoded image cache left half-written", path)
    return removed


def _windows_memory() -> int:  # pragma: no cover - Windows only
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong),
                    ("total", ctypes.c_ulonglong), ("available", ctypes.c_ulonglong),
                    ("page_total", ctypes.c_ulonglong), ("page_available", ctypes.c_ulonglong),
                    ("virtual_total", ctypes.c_ulonglong),
                    ("virtual_available", ctypes.c_ulonglong),
                    ("extended", ctypes.c_ulonglong)]

    status = MemoryStatus()
    status.length = ctypes.sizeof(MemoryStatus)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
        return _FALLBACK_MEMORY
    return int(status.total)
