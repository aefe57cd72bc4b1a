"""Exports of a run's model that provably match it: ONNX and ``torch.export`` files with the
preprocessing inside, checked against PyTorch on the run's own test samples, and standalone
bundles that need only onnxruntime, numpy and pillow.

Importing this package does not import torch; exporting does.
"""

from app.core.export._bundle_export import BUNDLE_SOURCES, bundle_export
from app.core.export._errors import ExportError, reason_of
from app.core.export._inputs import raw_inputs
from app.core.export._metadata import METADATA_FILE, METADATA_KEY, TOKENIZER_FILE, metadata_text
from app.core.export._onnx import OnnxExport, export_onnx
from app.core.export._parity import (
    DEFAULT_TOLERANCE,
    MAX_SAMPLES,
    Parity,
    check_parity,
    check_torch_parity,
)
from app.core.export._readers import onnx_session
from app.core.export._run_export import (
    EXPORTS_FOLDER,
    FORMATS,
    export_run,
    exportable_run,
    load_run_model,
)
from app.core.export._torch_export import TorchExport, export_torch

__all__ = [
    "BUNDLE_SOURCES", "bundle_export",
    "DEFAULT_TOLERANCE", "EXPORTS_FOLDER", "FORMATS", "MAX_SAMPLES", "METADATA_FILE",
    "METADATA_KEY", "TOKENIZER_FILE", "ExportError", "OnnxExport", "Parity", "TorchExport",
    "check_parity", "check_torch_parity", "export_onnx", "export_run", "export_torch",
    "exportable_run", "load_run_model", "metadata_text", "onnx_session", "raw_inputs", "reason_of",
]
