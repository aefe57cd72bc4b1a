"""Exported files read back to run them: onnxruntime for ONNX, ``torch.export.load`` for pt2.

A file that is missing, damaged or not a ModelDesk export is an ``ExportError`` naming it,
never an onnxruntime traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np

from app.core.export._errors import ExportError, reason_of
from app.core.export._graph import OUTPUT_NAMES, input_name
from app.core.models import ModelBundle

log = logging.getLogger(__name__)


def onnx_session(path: Path, *, threads: int | None = None):  # noqa: ANN201 - lazily imported
    """A CPU onnxruntime session for ``path``; ``ExportError`` when it cannot be opened.

    ``threads``: a fixed number of intra-op threads, one inter-op, sequential execution
    (latencies are comparable only then); ``None`` leaves onnxruntime's defaults."""
    import onnxruntime

    path = Path(path)
    _require_file(path)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: no warnings on the user's console
    if threads is not None:
        options.intra_op_num_threads = int(threads)
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    try:
        return onnxruntime.InferenceSession(str(path), options,
                                            providers=["CPUExecutionProvider"])
    except Exception as error:
        log.info("onnxruntime cannot open %s", path, exc_info=True)
        raise ExportError(f"{path} is not a readable ONNX model ({reason_of(error)}); "
                          "export the run again") from None


def onnx_runner(path: Path, bundle: ModelBundle) -> Callable[[np.ndarray], np.ndarray]:
    """Raw inputs → probabilities through the ONNX file at ``path``."""
    session = onnx_session(path)
    inputs = [i.name for i in session.get_inputs()]
    outputs = [o.name for o in session.get_outputs()]
    expected = input_name(bundle)
    if inputs != [expected] or OUTPUT_NAMES[0] not in outputs:
        raise ExportError(f"{path} is not a ModelDesk export of this model: it takes "
                          f"{', '.join(inputs) or 'nothing'} and gives {', '.join(outputs)}, "
                          f"expected {expected} → {', '.join(OUTPUT_NAMES)}")

    def run(raw: np.ndarray) -> np.ndarray:
        try:
            return session.run([OUTPUT_NAMES[0]], {expected: raw})[0]
        except Exception as error:
            raise ExportError(f"{path} failed on an input of shape {list(raw.shape)} "
                              f"({reason_of(error)})") from None

    return run


def torch_runner(path: Path) -> Callable[[np.ndarray], np.ndarray]:
    """Raw inputs → probabilities through the ``.pt2`` file at ``path`` (it is unpickled:
    only files ModelDesk wrote)."""
    import torch

    _require_file(path)
    try:
        module = torch.export.load(str(path)).module()
    except Exception as error:
        raise ExportError(f"{path} is not a readable torch.export file "
                          f"({reason_of(error)}); export the run again") from None

    def run(raw: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return module(torch.from_numpy(raw))[0].numpy()

    return run


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise ExportError(f"{path} does not exist; export the run again")

