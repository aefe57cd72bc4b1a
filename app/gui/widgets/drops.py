"""Reading a dropped file or folder out of a drag-and-drop payload."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl


def local_path(urls: list[QUrl]) -> str | None:
    """The first dropped local file or folder that exists, else None."""
    for url in urls:
        if url.isLocalFile() and Path(url.toLocalFile()).exists():
            return url.toLocalFile()
    return None
