"""``export_torch``: the same wrapped model as PyTorch's own portable format (``.pt2``).

``torch.export`` + ``torch.export.save`` rather than TorchScript, which torch 2.14 deprecates.
A ``.pt2`` file is read back with ``torch.export.load``, which unpickles parts of it: load
only files you trust (ONNX files carry no code and are the format to hand to strangers).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.export._metadata import METADATA_FILE, export_metadata, metadata_text
from app.core.export._staging import staged, writable_folder
from app.core.models import ModelBundle

if TYPE_CHECKING:
    from torch import nn


@dataclass(frozen=True)
class TorchExport:
    """A written ``.pt2`` export and the ``model.json`` beside it."""

    path: Path
    metadata_path: Path
    metadata: Mapping[str, Any]
    seconds: float

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.path, self.metadata_path)


def export_torch(model: nn.Module, bundle: ModelBundle, path: str | Path) -> TorchExport:
    """Write ``model`` (put in eval mode) in its wrapper as ``path`` (``.pt2``), with
    ``model.json`` beside it; both appear together or neither does.

    Raises:
        ExportError: the model cannot be traced, or the folder not written.
    """
    import torch

    path = Path(path)
    folder = writable_folder(path.parent)
    started = time.perf_counter()
    from app.core.export._trace import sequence_length, trace

    program = trace(model, bundle)
    metadata = export_metadata(bundle, file_format="pt2",
                               sequence=sequence_length(model, bundle))
    with staged() as staging:
        torch.export.save(program, staging.path(path))
        staging.path(folder / METADATA_FILE).write_text(metadata_text(metadata),
                                                        encoding="utf-8")
    return TorchExport(path=path, metadata_path=folder / METADATA_FILE, metadata=metadata,
                       seconds=time.perf_counter() - started)
