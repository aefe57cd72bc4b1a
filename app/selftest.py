"""``--self-test``: prove that an installed ModelDesk works, end to end, in under a minute.

Opens the real window offscreen on the bundled image sample, trains one epoch of a small
convolutional network through the GUI's training queue into a temporary catalog, closes the
window and reports each step on stdout. Used by the packaging smoke test and by support
("run ``modeldesk --self-test`` and send us the output"). Nothing is written to the user's
catalog or remembered settings; only the log file is the usual one.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

SELF_TEST_MODEL = "lenet5"  # convolutions (cuDNN on a GPU) yet one epoch takes seconds on a CPU
TIMEOUT_MS = 600_000


def run_self_test(out=None) -> int:  # noqa: ANN001 - a text stream, stdout by default
    """Return 0 when the window opened and one epoch trained into a fresh catalog, else 1."""
    out = out or sys.stdout
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:5.1f}s] {message}", file=out, flush=True)

    import app
    from app.paths import resources_dir, sample_dataset

    say(f"ModelDesk {app.__version__} self-test (python {sys.version.split()[0]}, "
        f"{'frozen' if getattr(sys, 'frozen', False) else 'from source'})")
    sample = sample_dataset("image")
    if not sample.is_dir():
        say(f"FAIL: the bundled sample {sample} is missing (resources: {resources_dir()})")
        return 1
    with tempfile.TemporaryDirectory(prefix="modeldesk-selftest-") as folder:
        code = _train_in_window(Path(folder), sample, say)
    say("self-test passed" if code == 0 else "self-test FAILED")
    return code


def _train_in_window(folder: Path, sample: Path, say) -> int:  # noqa: ANN001
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from app.core.catalog import Catalog
    from app.core.runs import make_config
    from app.gui import create_application, open_window
    from app.gui.settings import Settings

    application = create_application()
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    catalog_path = folder / "catalog.sqlite"
    window = open_window(sample, catalog_path, settings=settings)
    window.show()
    say(f"window shown on the {application.platformName()} platform")
    result: dict[str, object] = {}
    loop = QEventLoop()

    def finish(key: str, value: object) -> None:
        result.setdefault(key, value)
        if not window.queue.busy:
            loop.quit()

    # The loop ends on ``idle`` (the training thread has finished), so closing cannot race it.
    window.queue.outcome.connect(lambda outcome: result.setdefault("outcome", outcome))
    window.queue.failed.connect(lambda message: result.setdefault("failed", message))
    window.queue.idle.connect(loop.quit)
    window.state.dataset_failed.connect(lambda message: finish("failed", message))
    QTimer.singleShot(TIMEOUT_MS, lambda: (finish("failed", "timed out"), window.queue.stop()))
    config = make_config({"dataset": str(sample), "model": SELF_TEST_MODEL, "epochs": 1,
                          "name": "self-test", "seed": 0})
    window.queue.enqueue(config, catalog_path)
    say(f"training {SELF_TEST_MODEL} on {sample.name} for 1 epoch into {catalog_path}")
    loop.exec()
    window.close()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    application.processEvents()
    if "failed" in result:
        say(f"FAIL: {result['failed']}")
        return 1
    outcome = result["outcome"]
    accuracy = outcome.test_accuracy
    say(f"run {outcome.run_id} {outcome.status} in {outcome.wall_seconds:.1f}s, "
        f"{outcome.epochs_done} epoch(s), test accuracy "
        f"{'n/a' if accuracy is None else f'{accuracy:.3f}'}")
    say(f"device: {window.device_label.text().removeprefix('device: ')}")
    if outcome.status != "completed":
        say(f"FAIL: the run ended {outcome.status}: {outcome.message}")
        return 1
    runs = Catalog(catalog_path).list_runs()
    if len(runs) != 1:
        say(f"FAIL: expected 1 run in the temporary catalog, found {len(runs)}")
        return 1
    return 0
