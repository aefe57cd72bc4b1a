"""Which other processes have a catalog file open, to say who holds its lock.

SQLite cannot name the process holding a lock; on Linux every process's open files are listed
under ``/proc/<pid>/fd``, which is enough to tell "sqlite3 (pid 4242)" from "another program".
Elsewhere (or without permission) the answer is an empty list.
"""

from __future__ import annotations

import os
from pathlib import Path


def lock_holders(catalog: Path) -> list[str]:
    """``["sqlite3 (pid 4242)", ...]``: other processes with the catalog or its WAL open."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    targets = {str(Path(f"{catalog}{suffix}").resolve()) for suffix in ("", "-wal", "-shm")}
    holders = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        if _has_open(entry / "fd", targets):
            holders.append(f"{_command(entry)} (pid {entry.name})")
    return holders


def _has_open(fd_folder: Path, targets: set[str]) -> bool:
    try:
        descriptors = list(fd_folder.iterdir())
    except OSError:  # gone, or not ours to look at
        return False
    for descriptor in descriptors:
        try:
            if os.readlink(descriptor) in targets:
                return True
        except OSError:
            continue
    return False


def _command(process: Path) -> str:
    try:
        return (process / "comm").read_text(encoding="utf-8", errors="replace").strip() or "?"
    except OSError:
        return "another program"
