"""Listing a dataset folder without trusting it: stat every entry, open nothing.

Real folders hold entries that are not files: dangling or self-looping symbolic links, named
pipes (reading one blocks forever), sockets and devices, and links to a folder that contains
the dataset (walking one never ends, or turns the whole dataset into a bogus class). Each is
skipped with a reason naming it, so one bad entry never refuses the folder; only regular files
are handed on, and ``read_regular`` refuses anything else even if it appeared since.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from app.core.datasets._names import is_hidden, printable, shown
from app.core.datasets._records import SkippedSample
from app.core.errors import DatasetError

_SPECIAL = ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"),
            (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"))


@dataclass(frozen=True)
class FileEntry:
    """A regular file below a class folder; ``source`` is its printable relative path."""

    path: Path
    source: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class FolderScan:
    """Regular files per class folder (recursive, sorted), loose top-level files, and the
    entries refused before reading, each with its reason."""

    root: Path
    classes: dict[str, tuple[FileEntry, ...]]
    loose: tuple[str, ...]
    rejected: tuple[SkippedSample, ...]

    def signature(self) -> tuple:
        """What the load cache compares: names, sizes and mtimes, never content."""
        files = tuple((label, f.source, f.size, f.mtime_ns)
                      for label, group in self.classes.items() for f in group)
        return (tuple(self.classes), files, self.loose, self.rejected)


def scan_folder(root: Path) -> FolderScan:
    """List class folders and loose files; raise when there is nothing class-shaped."""
    entries = [e for e in _list(root, root) if not is_hidden(e.name)]
    if not entries:
        raise DatasetError(
            f"{shown(root)} is empty; expected one sub-folder per class holding images or "
            ".txt files")
    classes: dict[str, tuple[FileEntry, ...]] = {}
    loose: list[str] = []
    rejected: list[SkippedSample] = []
    root_key = _key(root.stat())
    for entry in entries:
        path, source = Path(entry.path), printable(entry.name)
        info, reason = _follow(path)
        if info is not None and stat.S_ISDIR(info.st_mode):
            reason = _contains_root(path, root)
            if reason is None:
                files: list[FileEntry] = []
                _walk(path, root, {root_key, _key(info)}, files, rejected)
                classes[source] = tuple(files)
                continue
            source += "/"
        if reason is None:
            loose.append(source)
        else:
            rejected.append(SkippedSample(source, reason))
    if not classes:
        raise DatasetError(
            f"{shown(root)} has no class folders; expected one sub-folder per class "
            "(for example cats/ and dogs/) holding images or .txt files")
    return FolderScan(root, classes, tuple(loose), tuple(rejected))


def read_regular(path: Path) -> bytes:
    """The bytes of ``path``; ``OSError`` unless it is (still) a regular file.

    Opened non-blocking, so a file replaced by a named pipe since the scan cannot hang us.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "no longer a regular file")
        return handle.read()


def _walk(folder: Path, root: Path, ancestors: set[tuple[int, int]],
          files: list[FileEntry], rejected: list[SkippedSample]) -> None:
    """A folder's files (sorted), then each sub-folder's, depth first: ``os.walk``'s order,
    so datasets keep their sample order (and their seeded splits) from before this scanner.

    Symbolic links to folders inside a class folder are listed, never followed (``os.walk``
    never followed them either, so no dataset changes content, and no link can loop).
    """
    folders: list[tuple[Path, os.stat_result]] = []
    for entry in _list(folder, root, rejected):
        if is_hidden(entry.name):
            continue
        path = Path(entry.path)
        source = printable(path.relative_to(root).as_posix())
        info, reason = _follow(path)
        if info is not None and stat.S_ISDIR(info.st_mode):
            if not entry.is_symlink():
                folders.append((path, info))
                continue
            source += "/"
            reason = ("symbolic link to a folder that contains it; not followed (it loops)"
                      if _key(info) in ancestors else
                      "symbolic link to a folder; links inside class folders are not followed")
        elif info is not None and stat.S_ISREG(info.st_mode):
            files.append(FileEntry(path, source, info.st_size, info.st_mtime_ns))
            continue
        elif info is not None:
            kind = next((name for test, name in _SPECIAL if test(info.st_mode)), "special file")
            reason = f"not a regular file ({kind}); skipped without reading it"
        rejected.append(SkippedSample(source, reason or "cannot read"))
    for path, info in folders:
        _walk(path, root, ancestors | {_key(info)}, files, rejected)


def _list(folder: Path, root: Path,
          rejected: list[SkippedSample] | None = None) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError as error:
        if rejected is None:
            raise DatasetError(f"cannot read {shown(folder)}: {error.strerror or error}") \
                from None
        source = printable(folder.relative_to(root).as_posix()) + "/"
        rejected.append(SkippedSample(source, f"cannot list folder ({error.strerror or error})"))
        return []


def _follow(path: Path) -> tuple[os.stat_result | None, str | None]:
    """The entry's status (through a symbolic link), or ``None`` and why it cannot be had."""
    try:
        own = path.lstat()
    except OSError as error:
        return None, f"cannot read ({error.strerror or error})"
    if not stat.S_ISLNK(own.st_mode):
        return own, None
    try:
        return path.stat(), None
    except FileNotFoundError:
        return None, f"broken symbolic link (its target {_target(path)} does not exist)"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return None, "symbolic link loop (it leads back to itself)"
        return None, f"cannot follow symbolic link ({error.strerror or error})"


def _contains_root(path: Path, root: Path) -> str | None:
    """A reason when a top-level folder is (a link to) the dataset or a folder above it."""
    target = path.resolve()
    if root == target or root.is_relative_to(target):
        return (f"symbolic link to {shown(target)}, which contains the dataset itself; "
                "not a class")
    return None


def _target(path: Path) -> str:
    try:
        return shown(os.readlink(path))
    except OSError:
        return "(unreadable)"


def _key(info: os.stat_result) -> tuple[int, int]:
    return (info.st_dev, info.st_ino)
