"""The core and batch mode must never import Qt: checked statically and at run time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_linter_contract_holds() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_importing_core_and_batch_loads_neither_qt_nor_torch() -> None:
    """Importing core packages stays cheap: torch loads only when training starts."""
    code = (
        "import sys\n"
        "import app.core.datasets, app.core.palette, app.core.engine, app.core.catalog\n"
        "import app.core.config, app.core.models, app.core.jobs, app.core.experiments\n"
        "import app.core.runs, app.core.inference, app.core.analysis, app.batch, app.cli\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'torch', 'torchvision'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_ruff_is_clean() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "app", "tests", "benchmarks", "main.py"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
