"""Importing the package must stay cheap (no torch) and Qt-free."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import app.core.datasets as datasets

ROOT = Path(__file__).resolve().parents[3]


def test_import_loads_neither_torch_nor_qt() -> None:
    code = (
        "import sys, app.core.datasets\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('torch', 'PySide6', 'shiboken6', 'pyqtgraph')]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_public_names_are_exported() -> None:
    for name in datasets.__all__:
        assert hasattr(datasets, name), name


def test_modules_are_small() -> None:
    package = Path(datasets.__file__).parent
    for module in package.glob("*.py"):
        assert len(module.read_text().splitlines()) <= 400, module.name
