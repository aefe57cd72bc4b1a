"""Strict UTF-8 decoding with a message that tells the user where and what to do.

Guessing encodings silently corrupts labels and texts; we refuse instead and point at the
first undecodable line so the user can re-save the file as UTF-8.
"""

from __future__ import annotations

from pathlib import Path

from app.core.datasets._names import shown
from app.core.datasets._scan import read_regular
from app.core.errors import DatasetError

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SAVE_AS = "Open the file in a text editor and save it with UTF-8 encoding."


def decode_utf8(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM); raise ``DatasetError`` naming line and byte."""
    if data.startswith(_UTF16_BOMS):
        raise DatasetError(f"{shown(path)} is UTF-16 text (it starts with a UTF-16 byte-order "
                           f"mark), not UTF-8. {_SAVE_AS}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # utf-8-sig reports offsets after the BOM it stripped; count from the file start.
        offset = error.start + (len(_BOM) if data.startswith(_BOM) else 0)
        line = data.count(b"\n", 0, offset) + 1
        bad = data[offset : offset + 1].hex()
        raise DatasetError(
            f"{shown(path)} is not UTF-8 text: line {line} (byte {offset}, value 0x{bad}) "
            f"cannot be decoded. {_SAVE_AS}"
        ) from None


def read_utf8(path: Path) -> str:
    """Read a whole file as UTF-8; unreadable files become ``DatasetError``."""
    try:
        data = read_regular(path)
    except OSError as error:
        raise DatasetError(f"cannot read {shown(path)}: {error.strerror or error}") from None
    return decode_utf8(data, path)
