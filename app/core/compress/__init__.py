"""Smaller models made from a run's model (int8 quantisation, pruning), each measured against
its source (file size, CPU latency, test accuracy) and recorded as a new catalog version.

Importing this package does not import torch or onnxruntime; compressing does.
"""

from app.core.compress._errors import CompressionError
from app.core.compress._latency import alternated_latency, batch_of, median_ms, ratio_of
from app.core.compress._measure import Comparison, OnnxRunner, measure
from app.core.compress._onnx_files import gzip_bytes, size_bytes
from app.core.compress._run import MAX_ACCURACY_DROP, METHODS, compress_run
from app.core.compress._samples import LabelledInputs, test_inputs

__all__ = [
    "MAX_ACCURACY_DROP", "METHODS", "Comparison", "CompressionError", "LabelledInputs",
    "OnnxRunner", "alternated_latency", "batch_of", "compress_run",
    "gzip_bytes", "measure", "median_ms", "ratio_of", "size_bytes", "test_inputs",
]
