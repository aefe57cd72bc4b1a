"""File helpers for the catalog: digests of artifacts, stored paths, run folders, live pids.

Hashing streams the file in chunks so multi-gigabyte checkpoints never sit in memory, and it
runs *before* a write transaction opens so the catalog is not locked while a disk is read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import sys
from pathlib import Path

from app.core.errors import CatalogError

_CHUNK = 1 << 20


def file_digest(path: Path) -> tuple[int, str]:
    """Return ``(size_bytes, sha256 hex)`` of ``path``, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise CatalogError(f"cannot read artifact file {path}: {exc.strerror or exc}") from exc
    return size, digest.hexdigest()


def to_stored(path: Path, root: Path) -> str:
    """Store paths under the catalog folder relative to it, so the folder can be moved whole."""
    path = Path(path).absolute()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def from_stored(text: str, root: Path) -> Path:
    """Inverse of :func:`to_stored`: relative paths are resolved against the catalog folder."""
    path = Path(text)
    return path if path.is_absolute() else root / path


def remove_run_folder(folder: Path, runs_root: Path) -> None:
    """Delete a run's folder, refusing anything outside the catalog's runs folder.

    The guard matters because the folder comes from a database row: a hand-edited or stale row
    must never make ModelDesk delete an arbitrary directory.
    """
    folder = folder.absolute()
    if not folder.exists():
        return
    if runs_root.absolute() not in folder.parents:
        raise CatalogError(f"refusing to delete {folder}: it is outside {runs_root}")
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise CatalogError(
            f"the run was removed from the catalog but its folder {folder} could not be "
            f"deleted ({exc.strerror or exc}); delete it by hand"
        ) from exc


def folder_size(folder: Path) -> int:
    """Bytes held by the regular files under ``folder`` (links are not followed)."""
    total = 0
    for parent, _dirs, names in os.walk(folder):
        for name in names:
            try:
                info = os.lstat(os.path.join(parent, name))
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                total += info.st_size
    return total


def remove_run_folder_counted(folder: Path, runs_root: Path) -> tuple[int, bool]:
    """Delete a run's folder like :func:`remove_run_folder`; return (bytes freed, all gone).

    A folder that cannot be deleted completely (a file open elsewhere on Windows, a read-only
    mount) frees only what did go; it never raises, so emptying the trash goes on with the
    other runs.
    """
    folder = folder.absolute()
    if not folder.exists():
        return 0, True
    if runs_root.absolute() not in folder.parents:
        return 0, False
    before = folder_size(folder)
    try:
        shutil.rmtree(folder)
    except OSError:
        return before - folder_size(folder), False
    return before, True


def pid_alive(pid: int) -> bool:
    """Return whether a process with ``pid`` exists on this machine.

    On Windows ``os.kill(pid, 0)`` would *terminate* the process, so it asks the kernel instead.
    A pid reused by an unrelated process reads as alive: the safe answer for "may I resume?".
    """
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    still_active = 259
    query_limited_information = 0x1000
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    access_denied = 5
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return kernel32.GetLastError() == access_denied
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return False
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)
