"""File names as people (and UTF-8 consumers) can read them.

On Linux a file name is bytes; Python hands back the bytes that are not UTF-8 as lone
surrogates (``os.fsdecode``'s "surrogateescape"). Such a string cannot be printed to a UTF-8
terminal, stored in SQLite or written to JSON without crashing, and a name holding a newline
would split a one-line message in two. Every name the datasets package shows or stores goes
through ``printable`` instead; the ``Path`` used to open the file keeps the original bytes.
"""

from __future__ import annotations

import os

_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Files and folders that operating systems and archivers leave in folders: never samples.
_SYSTEM_NAMES = frozenset({
    "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r", "__macosx", "$recycle.bin",
    "system volume information",
})


def printable(text: str) -> str:
    """``text`` with undecodable bytes as ``\\xNN`` and control characters escaped.

    Valid, printable names come back unchanged, so the common case costs one check.
    """
    if text.isprintable():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate not from surrogateescape (Windows names)
        raw = text.encode("utf-8", "surrogatepass")
    escaped = raw.decode("utf-8", "backslashreplace")
    return "".join(_escape(char) for char in escaped)


def shown(path: str | os.PathLike[str]) -> str:
    """A path for a message: ``printable(str(path))``."""
    return printable(os.fspath(path))


def is_hidden(name: str) -> bool:
    """Dot-files and dot-folders (``.DS_Store``, ``.git``) and system clutter
    (``Thumbs.db``, ``desktop.ini``, ``__MACOSX``): ignored, never listed as skipped."""
    return name.startswith(".") or name.lower() in _SYSTEM_NAMES


def _escape(char: str) -> str:
    if char.isprintable():
        return char
    if char in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
