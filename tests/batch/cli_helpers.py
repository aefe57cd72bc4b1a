"""Helpers for batch-mode and CLI tests: results, a real ``main.py`` process, catalog state.

In-process calls (the ``cli`` fixture in ``conftest.py``) go through ``app.cli.main`` exactly as
``main.py`` does; they save the ~3 s torch import a subprocess pays, so only the tests that need
a real process (signals, ``sys.exit``, what a shell sees) start one with ``run_main``.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

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


class MainProcess:
    """``python main.py ARGS`` running in the background, its stdout read line by line.

    A reader thread queues stdout lines so the test can wait for a marker with a deadline
    (``queue.get(timeout=...)``) instead of sleeping. stderr is read once the process ends
    (batch mode writes only a few lines there, so its pipe never fills).
    """

    def __init__(self, *args: object, launcher: Sequence[str] = (),
                 env: Mapping[str, str] | None = None) -> None:
        """``launcher`` runs main.py instead of this Python (``torchrun ...``); ``env`` is
        added to this test's environment."""
        command = [*launcher] if launcher else [sys.executable]
        self.proc = subprocess.Popen(
            [*command, str(MAIN), *map(str, args)], cwd=REPO, env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for_line(self, marker: str, timeout: float = 120) -> str:
        """Return the first stdout line containing ``marker``; fail at EOF or the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                raise AssertionError(f"no {marker!r} within {timeout}s: {self.lines}") from None
            if line is None:
                result = self.finish()
                raise AssertionError(f"exit {result.code} before {marker!r}:\n{result.out}"
                                     f"\nstderr:\n{result.err}")
            self.lines.append(line)
            if marker in line:
                return line

    def finish(self, timeout: float = 120) -> CliResult:
        """Wait for the exit; return its code, all of stdout and stderr."""
        assert self.proc.stderr is not None
        code = self.proc.wait(timeout=timeout)
        err = self.proc.stderr.read()
        self._reader.join(timeout=timeout)
        while (line := self._queue.get_nowait() if not self._queue.empty() else None):
            self.lines.append(line)
        return CliResult(code, "".join(self.lines), err)

    def kill(self) -> None:
        """SIGKILL (no clean-up runs in the child) and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=60)

    def close(self) -> None:
        self.kill()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def shared_dataset(name: str) -> Path:
    """A dataset from ``../shared/datasets``; skips the test where it is absent.

    Same contract as ``tests/conftest.py``'s helper, which cannot be imported by name from a
    folder that has its own ``conftest.py``.
    """
    path = REPO.parent / "shared" / "datasets" / name
    if not path.exists():
        pytest.skip(f"{path} is not here (it exists only beside the team's checkout)")
    return path


def assert_one_error_line(result: CliResult, fragments: tuple[str, ...]) -> None:
    """Exit 2 with a single ``error:`` line holding every fragment, and no traceback."""
    assert result.code == 2, result.both
    line = result.err.strip()
    assert line.startswith("error: ") and "\n" not in line and "Traceback" not in result.both
    assert all(fragment in line for fragment in fragments), line
