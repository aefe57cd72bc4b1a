"""A source model and its compressed version measured side by side, in one process.

File size (on disk; gzip-compressed, which is what sparsity saves; and the stored tensors
alone), CPU latency at batch 1 and 32
(onnxruntime, fixed threads, alternated, medians) and test accuracy on the run's own test
samples, with ratios (compressed / source) and deltas (compressed − source).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.compress._errors import CompressionError
from app.core.compress._latency import alternated_latency, median_ms, ratio_of
from app.core.compress._onnx_files import gzip_bytes, size_bytes, weight_bytes
from app.core.compress._samples import LabelledInputs
from app.core.export import onnx_session, reason_of

BATCH_SIZES = (1, 32)
_PREDICT_BATCH = 64


@dataclass(frozen=True)
class Comparison:
    """The figures of both models; ``to_json`` is what the catalog row's details keep."""

    source: dict[str, Any]
    compressed: dict[str, Any]
    ratios: dict[str, float]
    deltas: dict[str, float]
    settings: dict[str, Any]

    @property
    def accuracy_drop_points(self) -> float:
        return -self.deltas["accuracy_points"]

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "compressed": self.compressed, "ratios": self.ratios,
                "deltas": self.deltas, "measurement": self.settings}


class OnnxRunner:
    """One onnxruntime session; calling it returns the probabilities (first output)."""

    def __init__(self, path: Path, threads: int) -> None:
        self._path = Path(path)
        self._session = onnx_session(self._path, threads=threads)
        self._input = self._session.get_inputs()[0].name

    @property
    def input_name(self) -> str:
        return self._input

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self._session.run(None, {self._input: batch})[0]

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """Top-1 class per input; a clear error when the graph does not take them."""
        try:
            rows = [self(inputs[i:i + _PREDICT_BATCH]).argmax(axis=1)
                    for i in range(0, len(inputs), _PREDICT_BATCH)]
        except Exception as error:  # onnxruntime's InvalidArgument, Fail, ...
            raise CompressionError(
                f"onnxruntime cannot run {self._path} on the run's test inputs "
                f"{tuple(inputs.shape)} {inputs.dtype} ({reason_of(error)}); "
                "export the model again") from None
        return np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)


def measure(source: Path, compressed: Path, test: LabelledInputs, *, threads: int = 1,
            rounds: int = 30, warmup: int = 3) -> Comparison:
    """Measure both files on ``test``; latency rounds alternate the two models."""
    runners = {"source": OnnxRunner(source, threads), "compressed": OnnxRunner(compressed,
                                                                              threads)}
    predicted = {name: runner.predict(test.inputs) for name, runner in runners.items()}
    times = alternated_latency(runners, test.inputs, batch_sizes=BATCH_SIZES, rounds=rounds,
                               warmup=warmup)
    figures = {}
    for name, path in (("source", source), ("compressed", compressed)):
        figures[name] = {
            "size_bytes": size_bytes(path), "gzip_bytes": gzip_bytes(path),
            "weight_bytes": weight_bytes(path),
            "accuracy": round(float(np.mean(predicted[name] == test.labels)), 6),
            "latency_ms": {str(size): median_ms(times[name][size]) for size in BATCH_SIZES},
        }
    src, out = figures["source"], figures["compressed"]
    ratios = {"size": round(out["size_bytes"] / src["size_bytes"], 4),
              "gzip_size": round(out["gzip_bytes"] / src["gzip_bytes"], 4),
              "weight_size": round(out["weight_bytes"] / src["weight_bytes"], 4)}
    for size in BATCH_SIZES:
        ratios[f"latency_b{size}"] = ratio_of(times, "compressed", "source", size)
    deltas = {"accuracy_points": round((out["accuracy"] - src["accuracy"]) * 100, 4),
              "top1_agreement": round(float(np.mean(predicted["compressed"]
                                                    == predicted["source"])), 6)}
    settings = {"test_samples": len(test), "threads": threads, "rounds": rounds,
                "warmup": warmup, "batch_sizes": list(BATCH_SIZES),
                "latency": "onnxruntime CPU, median of alternated rounds"}
    return Comparison(src, out, ratios, deltas, settings)
