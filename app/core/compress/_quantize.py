"""Int8 versions of an ONNX export, made with onnxruntime's quantisation tools.

Why onnxruntime and not ``torch.ao.quantization.quantize_dynamic``: torch 2.14 deprecates the
whole ``torch.ao.quantization`` eager flow (it warns on every call and the docs plan its
removal in favour of torchao), while onnxruntime's tools work on the very file that is
shipped, which is the one whose size, speed and accuracy we report. They also avoid
torch#32764 (``nn.MultiheadAttention`` keeps ``out_proj`` float under torch's dynamic flow and
the attention fast path must be switched off): the exported graph has plain MatMuls.

Dynamic: weights of MatMul/Gemm (Linear), Gather (embedding tables), LSTM and Attention are
stored int8 and activations are quantised on the fly; nothing to calibrate. Convolutions are
left in float on purpose: onnxruntime's dynamic ``ConvInteger`` is slow on CPU, and static
int8 is the route for them. Static (QDQ): weights int8 per channel, activations uint8 with
ranges calibrated (MinMax) on the run's training samples.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from app.core.compress._errors import CompressionError
from app.core.compress._onnx_files import load_graph, op_counts

DYNAMIC_OPS = ("MatMul", "Gemm", "Gather", "LSTM", "Attention")
"""What int8_dynamic quantises (Conv is deliberately not among them)."""
STATIC_OPS = ("Conv", "ConvTranspose", "MatMul", "Gemm", "Gather", "MaxPool", "AveragePool",
              "Relu")
"""What int8_static quantises: the weighted layers and the ops between them that int8 kernels
fuse; masks, padding and shape arithmetic stay float (a constant mask would calibrate to a
zero range)."""
CONV_OPS = frozenset({"Conv", "ConvTranspose"})
CALIBRATION_BATCH = 16


def weighted_ops(path: Path) -> dict[str, int]:
    """Operators of the graph that read a stored weight (an initializer), by type."""
    model = load_graph(path)
    stored = {tensor.name for tensor in model.graph.initializer}
    counts: dict[str, int] = {}
    for node in model.graph.node:
        if any(name in stored for name in node.input):
            counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts


def quantize_int8_dynamic(source: Path, target: Path) -> dict[str, Any]:
    """Write the dynamic int8 model; return what was quantised and what stayed float."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    before = weighted_ops(source)
    with _quiet(), tempfile.TemporaryDirectory(prefix="modeldesk-quant-") as work:
        quantize_dynamic(_prepared(source, Path(work)), target, weight_type=QuantType.QInt8,
                         op_types_to_quantize=list(DYNAMIC_OPS), per_channel=False)
    after = op_counts(load_graph(target))
    conv = sum(count for op, count in before.items() if op in CONV_OPS)
    return {"weighted_ops": before, "integer_ops": _integer_ops(after),
            "float_conv_layers": conv,
            "note": (f"{conv} convolution(s) stay float: dynamic int8 quantises Linear, "
                     "embedding and LSTM weights only; int8_static quantises convolutions"
                     if conv else "")}


def quantize_int8_static(source: Path, target: Path, calibration: np.ndarray,
                         input_name: str) -> dict[str, Any]:
    """Write the QDQ int8 model, calibrated on ``calibration`` (encoded training samples)."""
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    if len(calibration) == 0:
        raise CompressionError("static int8 needs training samples to calibrate on; the run "
                               "has none")
    before = weighted_ops(source)
    with _quiet(), tempfile.TemporaryDirectory(prefix="modeldesk-quant-") as work:
        reader = _Calibration(calibration, input_name)
        quantize_static(_prepared(source, Path(work)), target, reader,
                        quant_format=QuantFormat.QDQ, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, per_channel=True,
                        op_types_to_quantize=list(STATIC_OPS),
                        calibrate_method=CalibrationMethod.MinMax)
    after = op_counts(load_graph(target))
    return {"weighted_ops": before, "qdq_pairs": after.get("DequantizeLinear", 0),
            "calibration_samples": len(calibration), "calibration": "MinMax, training split",
            "note": ""}


def has_convolution(path: Path) -> bool:
    return any(op in CONV_OPS for op in weighted_ops(path))


class _Calibration:
    """onnxruntime's ``CalibrationDataReader`` protocol over encoded samples, in batches."""

    def __init__(self, samples: np.ndarray, input_name: str) -> None:
        self._samples, self._name = samples, input_name
        self._batches: Iterator[np.ndarray] = iter(())
        self.rewind()

    def get_next(self) -> dict[str, np.ndarray] | None:
        batch = next(self._batches, None)
        return None if batch is None else {self._name: batch}

    def rewind(self) -> None:
        self._batches = (self._samples[start:start + CALIBRATION_BATCH]
                         for start in range(0, len(self._samples), CALIBRATION_BATCH))


def _prepared(source: Path, work: Path) -> Path:
    """The source after onnxruntime's recommended pre-processing (shape inference, constant
    folding), which lets more ops be quantised; the source itself when that step fails."""
    from onnxruntime.quantization.shape_inference import quant_pre_process

    target = work / "prepared.onnx"
    try:
        quant_pre_process(str(source), str(target), skip_symbolic_shape=False)
    except Exception:  # noqa: BLE001 - optional optimisation: quantise the graph as it is
        return source
    return target if target.is_file() else source


def _integer_ops(counts: dict[str, int]) -> dict[str, int]:
    integer = ("MatMulInteger", "DynamicQuantizeLSTM", "QAttention", "DequantizeLinear")
    return {op: counts[op] for op in integer if counts.get(op)}


class _quiet:
    """Silence onnxruntime.quantization's root-logger advice during one call."""

    def __enter__(self) -> None:
        self._level = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)

    def __exit__(self, *_: object) -> None:
        logging.getLogger().setLevel(self._level)
