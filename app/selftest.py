"""``--self-test``: prove that an installed ModelDesk works, end to end, in under a minute.

Builds every palette architecture and runs a forward pass (catches libraries a bundle lost),
then opens the real window offscreen on the bundled image sample, trains one epoch of a small
convolutional network through the GUI's training queue into a temporary catalog, closes the
window, exports the model as a standalone bundle (ONNX checked with onnxruntime against
PyTorch: the exporter, onnxruntime and the bundle's predict.py template are all there),
explains one image with Grad-CAM (Captum and the matplotlib it imports are there) and reports
each step on stdout. Used by the packaging smoke test and by support
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
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # works over SSH and without a display
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
    code = _check_architectures(say)
    with tempfile.TemporaryDirectory(prefix="modeldesk-selftest-") as folder:
        code = _train_in_window(Path(folder), sample, say) or code
    say("self-test passed" if code == 0 else "self-test FAILED")
    return code


def _check_architectures(say) -> int:  # noqa: ANN001
    """Every palette architecture builds and runs a forward pass; the metrics library imports.

    A frozen bundle that lost a library (torchvision's operators, a torch module) fails here
    with the architecture's name rather than later in someone's real run.
    """
    failures = []
    try:
        import torch
        import torchmetrics.functional.classification  # noqa: F401 - evaluation uses it

        from app.core.palette import list_specs
    except Exception as error:  # a broken bundle: report it, don't crash
        say(f"FAIL: torch or torchmetrics cannot be imported: {type(error).__name__}: {error}")
        return 1
    specs, skipped = [], []
    for spec in list_specs():  # an optional extra that is not installed is no failure
        extra = spec.pretrained is not None and spec.pretrained.extra
        if extra and not spec.pretrained.available:
            skipped.append(f"{spec.name} (needs the '{spec.pretrained.extra}' extra)")
        else:
            specs.append(spec)
    if skipped:
        say(f"skipped, not installed here: {'; '.join(skipped)}")
    for spec in specs:
        try:
            model = spec.build(2, vocab_size=50).eval()
            size = spec.input_size if spec.kind == "image" else min(spec.input_size, 16)
            batch = (torch.zeros(2, 3, size, size) if spec.kind == "image"
                     else torch.ones(2, size, dtype=torch.long))
            with torch.no_grad():
                shape = tuple(model(batch).shape)
            if shape != (2, 2):
                raise ValueError(f"output shape {shape}, expected (2, 2)")
        except Exception as error:
            failures.append(f"{spec.name} ({type(error).__name__}: {error})")
    if failures:
        say(f"FAIL: architectures that do not build and run: {'; '.join(failures)}")
        return 1
    say(f"all {len(specs)} architectures build and run a forward pass "
        f"(torch {torch.__version__})")
    return 0


def _train_in_window(folder: Path, sample: Path, say) -> int:  # noqa: ANN001
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from app.core.catalog import Catalog
    from app.core.jobs import JobEnded, TrainJob
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
    def on_event(event: object) -> None:
        if isinstance(event, JobEnded):
            key, value = ("outcome", event.outcome) if event.outcome else ("failed", event.error)
            result.setdefault(key, value)

    window.queue.event.connect(on_event)
    window.queue.idle.connect(loop.quit)
    window.state.dataset_failed.connect(lambda message: finish("failed", message))
    QTimer.singleShot(TIMEOUT_MS, lambda: (finish("failed", "timed out"), window.queue.stop()))
    config = make_config({"dataset": str(sample), "model": SELF_TEST_MODEL, "epochs": 1,
                          "name": "self-test", "seed": 0})
    window.queue.enqueue(TrainJob(config), catalog_path)
    say(f"training {SELF_TEST_MODEL} on {sample.name} for 1 epoch into {catalog_path}")
    loop.exec()
    window.close()
    from app.gui.workers import wait_for_background

    wait_for_background(30_000)
    application.processEvents()
    if "failed" in result:
        say(f"FAIL: {result['failed']}")
        return 1
    outcome = result["outcome"]
    accuracy = outcome.test_accuracy
    say(f"run {outcome.run_id} {outcome.status} in {outcome.wall_seconds:.1f}s, "
        f"{outcome.epochs_done} epoch(s), test accuracy "
        f"{'n/a' if accuracy is None else f'{accuracy:.3f}'}")
    from app.core.engine import describe_device, resolve_device

    say(f"device: {describe_device(resolve_device('auto'))}")
    if outcome.status != "completed":
        say(f"FAIL: the run ended {outcome.status}: {outcome.message}")
        return 1
    runs = Catalog(catalog_path).list_runs()
    if len(runs) != 1:
        say(f"FAIL: expected 1 run in the temporary catalog, found {len(runs)}")
        return 1
    return (_export_bundle(Catalog(catalog_path), outcome.run_id, say)
            or _explain_one(Catalog(catalog_path), outcome.run_id, sample, say))


def _export_bundle(catalog, run_id: int, say) -> int:  # noqa: ANN001
    try:
        from app.core.export import export_run

        bundle = export_run(catalog, run_id, "bundle")
        onnx = catalog.get_export(bundle.source_export_id)
    except Exception as error:  # a frozen app that lost onnx, onnxruntime or the template
        say(f"FAIL: the model cannot be exported: {type(error).__name__}: {error}")
        return 1
    parity = onnx.details.get("parity", {})
    say(f"exported a bundle ({bundle.size_bytes / 1e6:.1f} MB zip, opset "
        f"{onnx.details.get('opset')}); onnxruntime parity {onnx.status}: top-1 agreement "
        f"{parity.get('agreement', 0):.2%}, max |dp| {parity.get('max_abs_diff', 1):.1e}")
    if onnx.status != "passed":
        say("FAIL: the exported model does not match PyTorch")
        return 1
    return 0


def _explain_one(catalog, run_id: int, sample: Path, say) -> int:  # noqa: ANN001
    """One Grad-CAM map: Captum (and the matplotlib it imports) made it into the bundle."""
    try:
        from app.core.explain import load_explainer

        image = next(iter(sorted(sample.rglob("*.png"))))
        saliency = load_explainer(catalog, run_id).explain(image)
    except Exception as error:  # a frozen app that lost captum or matplotlib
        say(f"FAIL: the model cannot be explained: {type(error).__name__}: {error}")
        return 1
    say(f"explained {image.name}: {saliency.method}, class {saliency.target}")
    return 0
