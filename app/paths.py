"""Where bundled resources live, in a source checkout and in a frozen (PyInstaller) app."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder: beside ``app/`` in a checkout, in ``_MEIPASS`` when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    root = Path(frozen_root) if frozen_root else Path(__file__).resolve().parents[1]
    return root / "resources"


def sample_dataset(kind: str = "image") -> Path:
    """The bundled sample for ``kind``: the shapes folder or the topics table."""
    samples = resources_dir() / "samples"
    return samples / ("shapes" if kind == "image" else "topics.csv")
