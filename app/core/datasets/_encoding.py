"""Strict UTF-8 decoding with a message that tells the user where and what to do.

Guessing encodings silently corrupts labels and texts; we refuse instead and point at the
first undecodable line so the user can re-save the file as UTF-8.
"""

from __future__ import annotations

from pathlib import Path

from app.core.errors import DatasetError

_BOM = b"\xef\xbb\xbf"


def decode_utf8(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM); raise ``DatasetError`` naming line and byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # utf-8-sig reports offsets after the BOM it stripped; count from the file start.
        offset = error.start + (len(_BOM) if data.startswith(_BOM) else 0)
        line = data.count(b"\n", 0, offset) + 1
        bad = data[offset : offset + 1].hex()
        raise DatasetError(
            f"{path} is not UTF-8 text: line {line} (byte {offset}, value 0x{bad}) cannot be "
            "decoded. Open the file in a text editor and save it with UTF-8 encoding."
        ) from None


def read_utf8(path: Path) -> str:
    """Read a whole file as UTF-8; unreadable files become ``DatasetError``."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"cannot read {path}: {error.strerror or error}") from None
    return decode_utf8(data, path)
