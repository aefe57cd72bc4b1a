"""Helpers for batch-mode and CLI tests: results, a real ``main.py`` process, catalog state.

In-process calls (the ``cli`` fixture in ``conftest.py``) go through ``app.cli.main`` exactly as
``main.py`` does; they save the ~3 s torch import a subprocess pays, so only the tests that need
a real process (signals, ``sys.exit``, what a shell sees) start one with ``run_main``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.catalog import Catalog

REPO = Path(__file__).resolve().parents[2]
MAIN = REPO / "main.py"


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    @property
    def both(self) -> str:
        return self.out + self.err


CliRunner = Callable[..., CliResult]


def run_main(*args: object, timeout: float = 120) -> CliResult:
    """``python main.py ARGS`` in a real process (cwd = repo root, this test's environment)."""
    done = subprocess.run([sys.executable, str(MAIN), *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, env=os.environ.copy())
    return CliResult(done.returncode, done.stdout, done.stderr)


def write_toml(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def catalog_state(path: Path) -> tuple:
    """Everything a bad invocation must leave alone: runs, datasets, histories, artifacts."""
    catalog = Catalog(path)
    runs = catalog.list_runs(limit=None)
    details = [catalog.get_run(run.id) for run in runs]
    return (catalog.count_runs(), runs, details, catalog.list_datasets())
