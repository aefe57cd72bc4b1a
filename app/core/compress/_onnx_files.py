"""Reading ONNX files the way compression needs: op types, sizes, metadata (sessions are
the export layer's ``onnx_session``).

A float export may keep its weights in external data files beside the ``.onnx`` (torch's
exporter does that by default), so a model's size is the file plus every external file it
names; comparing bare ``.onnx`` sizes would make int8 look larger than float.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.compress._errors import CompressionError
from app.core.export import METADATA_KEY, reason_of

if TYPE_CHECKING:
    import onnx


def load_graph(path: Path) -> onnx.ModelProto:
    """The model with its weights, checked; a clear error for a missing or corrupt file."""
    import onnx

    path = Path(path)
    if not path.is_file():
        raise CompressionError(f"the ONNX file {path} does not exist; export the model again")
    try:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
    except Exception as error:  # onnx raises DecodeError, ValidationError, OSError, ...
        raise CompressionError(f"{path} is not a readable ONNX model ({reason_of(error)}); "
                               "export the model again") from None
    return model


def op_counts(model: onnx.ModelProto) -> Counter[str]:
    """How often each operator occurs in the main graph."""
    return Counter(node.op_type for node in model.graph.node)


def model_metadata(model: onnx.ModelProto) -> dict[str, Any]:
    """The ``modeldesk`` metadata JSON of an export (empty when it has none)."""
    for prop in model.metadata_props:
        if prop.key == METADATA_KEY:
            try:
                value = json.loads(prop.value)
            except ValueError:
                return {}
            return value if isinstance(value, dict) else {}
    return {}


def files_of(path: Path) -> list[Path]:
    """The ``.onnx`` file and the external data files it refers to, each once."""
    import onnx
    from onnx.external_data_helper import uses_external_data

    path = Path(path)
    model = onnx.load(str(path), load_external_data=False)
    names = set()
    for tensor in model.graph.initializer:
        if uses_external_data(tensor):
            names.update(e.value for e in tensor.external_data if e.key == "location")
    return [path, *(path.parent / name for name in sorted(names))]


def size_bytes(path: Path) -> int:
    """Bytes on disk of the model: the file plus its external data."""
    return sum(file.stat().st_size for file in files_of(path))


def weight_bytes(path: Path) -> int:
    """Bytes of the stored tensors alone: what int8 shrinks (a file also holds the graph
    and its metadata; ``export_onnx`` drops torch's per-node debugging annotations)."""
    from onnx import numpy_helper

    return sum(numpy_helper.to_array(t).nbytes for t in load_graph(path).graph.initializer)


def gzip_bytes(path: Path) -> int:
    """Bytes of the model gzip-compressed (level 9): what sparsity saves when it is shipped
    compressed, since a dense file stores a pruned zero like any other float."""
    return sum(len(gzip.compress(file.read_bytes(), compresslevel=9, mtime=0))
               for file in files_of(path))

