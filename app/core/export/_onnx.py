"""``export_onnx``: a model with its preprocessing as one ONNX file, described beside it.

The opset is the exporter's default (the newest it writes well); if the translation fails
there, lower ones are tried in turn, and the one used is recorded in the metadata.
"""

from __future__ import annotations

import logging
import shutil
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.export._errors import ExportError, reason_of
from app.core.export._graph import OUTPUT_NAMES
from app.core.export._metadata import (
    METADATA_FILE,
    METADATA_KEY,
    TOKENIZER_FILE,
    export_metadata,
    metadata_text,
    tokenizer_source,
)
from app.core.export._staging import staged, writable_folder
from app.core.models import ModelBundle

if TYPE_CHECKING:
    from torch import nn
    from torch.export import ExportedProgram

log = logging.getLogger(__name__)
FALLBACK_OPSETS = (18, 17)
"""Tried, in order, when the exporter's default opset cannot express the graph."""


@dataclass(frozen=True)
class OnnxExport:
    """A written ONNX export: the model file, ``model.json`` beside it, and the tokenizer
    file when the model reads WordPiece ids (else ``None``)."""

    path: Path
    metadata_path: Path
    opset: int
    metadata: Mapping[str, Any]
    seconds: float
    tokenizer_path: Path | None = None

    @property
    def files(self) -> tuple[Path, ...]:
        extra = (self.tokenizer_path,) if self.tokenizer_path else ()
        return (self.path, self.metadata_path, *extra)


def export_onnx(model: nn.Module, bundle: ModelBundle, path: str | Path, *,
                opset: int | None = None) -> OnnxExport:
    """Write ``model`` (put in eval mode) as ``path`` with ``model.json`` beside it.

    All files appear together or none does.

    Raises:
        ExportError: the model cannot be traced or translated, or the folder not written.
    """
    path = Path(path)
    folder = writable_folder(path.parent)
    started = time.perf_counter()
    from app.core.export._trace import sequence_length, trace

    program = trace(model, bundle)
    onnx_program, chosen = _translate(program, bundle, opset)
    metadata = export_metadata(bundle, file_format="onnx", opset=chosen,
                               sequence=sequence_length(model, bundle))
    tokenizer = tokenizer_source(bundle)
    with staged() as staging:
        write_onnx(onnx_program, metadata, staging.path(path))
        staging.path(folder / METADATA_FILE).write_text(metadata_text(metadata),
                                                        encoding="utf-8")
        if tokenizer is not None:
            shutil.copyfile(tokenizer, staging.path(folder / TOKENIZER_FILE))
    return OnnxExport(path=path, metadata_path=folder / METADATA_FILE, opset=chosen,
                      metadata=metadata, seconds=time.perf_counter() - started,
                      tokenizer_path=folder / TOKENIZER_FILE if tokenizer else None)


def write_onnx(onnx_program: Any, metadata: Mapping[str, Any], path: Path) -> None:
    """Save with the metadata record in ``metadata_props``, weights inside the file, and
    without the exporter's debugging annotations."""
    model = onnx_program.model
    strip_debug_metadata(model)
    model.metadata_props[METADATA_KEY] = metadata_text(dict(metadata))
    onnx_program.save(path, external_data=False)


def strip_debug_metadata(model: Any) -> None:
    """Drop what torch's exporter annotates every node, value and graph of an
    ``onnx_ir.Model`` with: stack traces (with this machine's source paths), module
    namespaces, FX nodes, rewrite-rule names. onnxruntime ignores them, yet they are about
    40 kB per small model, inflating file sizes (and any size ratio taken against them).
    The model's own ``metadata_props`` (the ``modeldesk`` record) are kept."""
    for graph in (*model.graphs(), *model.functions.values()):
        graph.metadata_props.clear()
        graph.doc_string = None
        values = [*graph.inputs, *graph.outputs]
        values.extend(getattr(graph, "initializers", {}).values())
        for node in graph:
            node.metadata_props.clear()
            node.doc_string = None
            values.extend(node.outputs)
        for value in values:
            value.metadata_props.clear()
            value.doc_string = None


def _translate(program: ExportedProgram, bundle: ModelBundle,
               opset: int | None) -> tuple[Any, int]:
    """The ONNX program at ``opset``, or at the first of the default and the fallbacks that
    translates; with the opset it was written at."""
    import torch

    versions = (opset,) if opset is not None else (None, *FALLBACK_OPSETS)
    problem = ""
    for version in versions:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                onnx_program = torch.onnx.export(
                    program, dynamo=True, opset_version=version, verbose=False,
                    output_names=list(OUTPUT_NAMES), optimize=True)
        except Exception as error:
            log.warning("ONNX translation at opset %s failed", version, exc_info=True)
            problem = reason_of(error)
            continue
        return onnx_program, int(onnx_program.model.opset_imports[""])
    tried = ", ".join("default" if v is None else str(v) for v in versions)
    raise ExportError(f"a {bundle.architecture} model cannot be written as ONNX (opsets "
                      f"tried: {tried}; {problem})")
