"""The parity result written into an export's own metadata, after the check has run.

``model.json`` and (for ONNX) the file's ``metadata_props`` carry the same record, so both are
rewritten, each atomically; the files stay valid at every instant.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from app.core.export._metadata import METADATA_KEY, metadata_text
from app.core.export._onnx import OnnxExport
from app.core.export._parity import Parity
from app.core.export._staging import staged


def record_parity(export: Any, parity: Parity) -> Any:
    """``export`` with ``metadata["parity"]`` set, written to its files; returns it."""
    metadata = {**export.metadata, "parity": parity.to_json()}
    with staged() as staging:
        if isinstance(export, OnnxExport):
            import onnx

            model = onnx.load(str(export.path))
            entries = {p.key: p for p in model.metadata_props}
            if METADATA_KEY in entries:
                entries[METADATA_KEY].value = metadata_text(metadata)
            else:
                onnx.helper.set_model_props(model, {METADATA_KEY: metadata_text(metadata)})
            onnx.save(model, str(staging.path(export.path)))
        staging.path(export.metadata_path).write_text(metadata_text(metadata),
                                                      encoding="utf-8")
    return dataclasses.replace(export, metadata=metadata)
