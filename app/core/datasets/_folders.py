"""Folder datasets: one sub-folder per class, holding images or ``.txt`` files.

Scanning (``_scan``) is separate from reading so kind detection and the cache signature see
the same file list; hidden files and system clutter never count, and entries that are not
regular files are skipped with their reason before anything is opened.
"""

from __future__ import annotations

from pathlib import Path

from app.core.datasets._assemble import Candidate, Collected
from app.core.datasets._encoding import decode_utf8
from app.core.datasets._hashing import hash_bytes, hash_text
from app.core.datasets._images import IMAGE_EXTENSIONS, check_image, is_gray, is_image_file
from app.core.datasets._names import shown
from app.core.datasets._records import Kind
from app.core.datasets._scan import FolderScan, read_regular
from app.core.errors import DatasetError

LOOSE_REASON = "not inside a class folder"


def folder_kind(scan: FolderScan) -> Kind:
    """Image when class folders mostly hold images, text when they mostly hold ``.txt``."""
    files = [f.path for group in scan.classes.values() for f in group]
    images = sum(1 for f in files if is_image_file(f))
    texts = sum(1 for f in files if f.suffix.lower() == ".txt")
    if images and images >= texts:
        return "image"
    if texts:
        return "text"
    extensions = ", ".join(sorted(IMAGE_EXTENSIONS))
    raise DatasetError(
        f"the class folders in {shown(scan.root)} hold no images ({extensions}) and no .txt files"
    )


def load_folder(scan: FolderScan, kind: Kind) -> Collected:
    """Read every file once: hash it and check it decodes (images) or is UTF-8 (texts)."""
    collected = Collected(kind=kind, path=scan.root, class_folders=tuple(scan.classes))
    for rejected in scan.rejected:
        collected.skip(rejected.source, rejected.reason)
    for loose in scan.loose:
        collected.skip(loose, LOOSE_REASON)
    for label, entries in scan.classes.items():
        for entry in entries:
            file, source = entry.path, entry.source
            reason = _wrong_type(file, kind)
            if reason:
                collected.skip(source, reason)
                continue
            try:
                data = read_regular(file)
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
