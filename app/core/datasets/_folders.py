"""Folder datasets: one sub-folder per class, holding images or ``.txt`` files.

Scanning is separate from reading so kind detection and the cache signature see the same
file list; hidden files and folders (names starting with ".") never count.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.datasets._assemble import Candidate, Collected
from app.core.datasets._encoding import decode_utf8
from app.core.datasets._hashing import hash_bytes, hash_text
from app.core.datasets._images import IMAGE_EXTENSIONS, check_image, is_gray, is_image_file
from app.core.datasets._records import Kind
from app.core.errors import DatasetError

LOOSE_REASON = "not inside a class folder"


@dataclass(frozen=True)
class FolderScan:
    """Files under ``root``: per class folder (recursively, sorted) and loose top-level files."""

    root: Path
    classes: dict[str, tuple[Path, ...]]
    loose: tuple[Path, ...]


def is_hidden(name: str) -> bool:
    """Dot-files and dot-folders (``.DS_Store``, ``.git``, ``.ipynb_checkpoints``)."""
    return name.startswith(".")


def walk_files(root: Path) -> list[Path]:
    """Every non-hidden file below ``root``, sorted, without entering hidden folders."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_hidden(d))
        found += [Path(folder, f) for f in sorted(files) if not is_hidden(f)]
    return found


def scan_folder(root: Path) -> FolderScan:
    """List class folders and loose files; raise when there is nothing class-shaped."""
    entries = sorted(e for e in root.iterdir() if not is_hidden(e.name))
    if not entries:
        raise DatasetError(
            f"{root} is empty; expected one sub-folder per class holding images or .txt files"
        )
    class_dirs = [e for e in entries if e.is_dir()]
    if not class_dirs:
        raise DatasetError(
            f"{root} has no class folders; expected one sub-folder per class "
            "(for example cats/ and dogs/) holding images or .txt files"
        )
    classes = {d.name: tuple(walk_files(d)) for d in class_dirs}
    loose = tuple(e for e in entries if e.is_file())
    return FolderScan(root=root, classes=classes, loose=loose)


def folder_kind(scan: FolderScan) -> Kind:
    """Image when class folders mostly hold images, text when they mostly hold ``.txt``."""
    files = [f for group in scan.classes.values() for f in group]
    images = sum(1 for f in files if is_image_file(f))
    texts = sum(1 for f in files if f.suffix.lower() == ".txt")
    if images and images >= texts:
        return "image"
    if texts:
        return "text"
    extensions = ", ".join(sorted(IMAGE_EXTENSIONS))
    raise DatasetError(
        f"the class folders in {scan.root} hold no images ({extensions}) and no .txt files"
    )


def load_folder(scan: FolderScan, kind: Kind) -> Collected:
    """Read every file once: hash it and check it decodes (images) or is UTF-8 (texts)."""
    collected = Collected(kind=kind, path=scan.root, class_folders=tuple(scan.classes))
    for loose in scan.loose:
        collected.skip(_relative(loose, scan.root), LOOSE_REASON)
    for label, files in scan.classes.items():
        for file in files:
            source = _relative(file, scan.root)
            reason = _wrong_type(file, kind)
            if reason:
                collected.skip(source, reason)
                continue
            try:
                data = file.read_bytes()
            except OSError as error:
                collected.skip(source, f"cannot read file ({error.strerror or error})")
                continue
            if kind == "image":
                _add_image(collected, source, label, file, data)
            else:
                _add_text(collected, source, label, file, data)
    return collected


def _add_image(collected: Collected, source: str, label: str, file: Path, data: bytes) -> None:
    try:
        mode = check_image(data)
    except ValueError as error:
        collected.skip(source, str(error))
        return
    collected.keep(Candidate(source, label, hash_bytes(data), file=file, gray=is_gray(mode)))


def _add_text(collected: Collected, source: str, label: str, file: Path, data: bytes) -> None:
    text = decode_utf8(data, file).strip()
    if not text:
        collected.skip(source, "empty text")
        return
    collected.keep(Candidate(source, label, hash_text(text), text=text))


def _wrong_type(file: Path, kind: Kind) -> str | None:
    if kind == "image" and not is_image_file(file):
        return f"not an image file ({file.suffix or 'no extension'})"
    if kind == "text" and file.suffix.lower() != ".txt":
        return f"not a .txt file ({file.suffix or 'no extension'})"
    return None


def _relative(file: Path, root: Path) -> str:
    return file.relative_to(root).as_posix()
