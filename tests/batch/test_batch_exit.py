"""A completed batch always exits 0: many short runs in a row, each in a real process.

Short runs are the risky ones: a run that ends before the torchmetrics warm-up import does
(no test split, or a quick divergence) left a daemon thread inside torch's C++ code when the
interpreter finalised, which now and then aborted the process with "terminate called without
an active exception" (exit 134). MODELDESK_LONG_TESTS=1 runs 40 processes instead of 6.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_helpers import REPO, run_main, write_toml
from factories import write_text_table

RUNS = 40 if os.environ.get("MODELDESK_LONG_TESTS") else 6


def _experiments(tmp_path: Path) -> Path:
    write_text_table(tmp_path / "table.csv", rows_per_class=6)
    return write_toml(tmp_path / "short.toml", """
[defaults]
dataset = "table.csv"
model = "bag_of_embeddings"
epochs = 1
threads = 1

[[experiment]]
name = "no test split"
test_fraction = 0.0

[[experiment]]
name = "with a test split"
""")


def test_many_short_batches_exit_zero_without_aborting(tmp_path: Path) -> None:
    experiments = _experiments(tmp_path)
    results = [run_main("--batch", experiments, "--catalog", tmp_path / f"c{i}.sqlite")
               for i in range(RUNS)]
    codes = [result.code for result in results]
    aborted = [result.err for result in results if "terminate called" in result.err]
    assert codes == [0] * RUNS, aborted or [r.err for r in results if r.code]
    assert aborted == []


def test_the_warm_up_import_is_never_a_daemon_thread() -> None:
    """Daemon threads are killed mid-call at exit; the import thread must be joined instead."""
    code = ("import sys, threading\n"
            "from app.core.engine._trainer import WARM_UP_THREAD, _warm_up_metrics_import\n"
            "assert 'torchmetrics' not in sys.modules\n"
            "_warm_up_metrics_import()\n"
            "ours = [t for t in threading.enumerate() if t.name == WARM_UP_THREAD]\n"
            "print(len(ours), any(t.daemon for t in ours))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "False"]
