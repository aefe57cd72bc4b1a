"""Copying an imported run's folder, before the catalog rows that point into it are written.

A folder is copied into a hidden staging name and renamed into place, so a folder named by a
uid is always whole. It is in place before the rows are committed: a crash in between leaves a
folder no row names, which the next import of that run replaces (a crash the other way round
would leave rows naming missing files). Each copied artifact is checked against the size and
SHA-256 its source row recorded, so a file changed or damaged on the other side is named, not
silently adopted.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.catalog._files import file_digest, from_stored, remove_run_folder, to_stored
from app.core.errors import CatalogError


@dataclass
class CopiedRun:
    """Where one run's files went, and how its file rows read in the destination."""

    folder: Path | None
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    exports: list[dict[str, Any]] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def copy_run_files(run: dict[str, Any], artifacts: list[dict[str, Any]],
                   exports: list[dict[str, Any]], source_root: Path,
                   dest_root: Path) -> CopiedRun:
    """Copy ``run``'s folder under ``dest_root/<uid>`` and re-point its file rows there."""
    source_folder = from_stored(run["run_dir"], source_root) if run["run_dir"] else None
    if source_folder is None or not source_folder.is_dir():
        copied = CopiedRun(folder=None)  # a run that ended before it wrote a file
        copied.problems += [f"{from_stored(row['path'], source_root)} is missing in the "
                            "source; not imported" for row in (*artifacts, *exports)]
        return copied
    folder = dest_root / run["uid"]
    if folder.exists():  # left by an import that stopped before its rows were committed
        remove_run_folder(folder, dest_root)
    staging = dest_root / f".{run['uid']}.importing"
    if staging.exists():
        shutil.rmtree(staging)
    try:
        dest_root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source_folder, staging, symlinks=True)
        staging.rename(folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise CatalogError(f"cannot copy {source_folder} into {dest_root}: "
                           f"{exc.strerror or exc}; nothing was imported") from exc
    copied = CopiedRun(folder=folder)
    copied.artifacts = _repoint(artifacts, source_folder, source_root, folder, dest_root, copied)
    copied.exports = _repoint(exports, source_folder, source_root, folder, dest_root, copied)
    return copied


def remove_copies(copies: list[CopiedRun], dest_root: Path) -> None:
    """Undo :func:`copy_run_files` for runs whose rows were not committed."""
    for copied in copies:
        if copied.folder is not None:
            remove_run_folder(copied.folder, dest_root)


def _repoint(rows: list[dict[str, Any]], source_folder: Path, source_root: Path,
             folder: Path, dest_root: Path, copied: CopiedRun) -> list[dict[str, Any]]:
    """The rows whose files arrived intact, with paths stored the destination's way."""
    kept = []
    for row in rows:
        original = from_stored(row["path"], source_root)
        try:
            inside = original.absolute().relative_to(source_folder.absolute())
        except ValueError:  # a file kept outside the run's folder: not ours to copy
            copied.problems.append(f"{original} is outside the run's folder; not copied")
            continue
        target = folder / inside
        if not target.is_file():
            copied.problems.append(f"{original} is missing in the source; not imported")
            continue
        size, digest = file_digest(target)
        if (size, digest) != (row["size_bytes"], row["sha256"]):
            copied.problems.append(f"{original} changed since it was recorded (its size or "
                                   "SHA-256 differs); not imported")
            continue
        copied.files += 1
        copied.bytes += size
        kept.append({**row, "path": to_stored(target, dest_root)})
    return kept
