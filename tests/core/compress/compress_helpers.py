"""Test-only ONNX exports made exactly as the deploy contract states, until the export helper's
``app.core.export.export_onnx`` lands (shipped code never exports by itself: ``compress_run``
takes the exporter as a parameter, and these tests pass this one).

Images: uint8 NHWC ``pixels`` in, normalised inside the graph; texts: int64 ``input_ids``;
outputs ``probabilities`` then ``logits``; dynamic batch (and sequence) axes; the metadata JSON
under ``metadata_props["modeldesk"]`` and as ``model.json`` beside the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import onnx
import torch
from torch import nn

from app.core.datasets import ImagePreprocessing
from app.core.models import ModelBundle


class _Wrapper(nn.Module):
    def __init__(self, model: nn.Module, bundle: ModelBundle) -> None:
        super().__init__()
        self.model = model
        self.image = isinstance(bundle.preprocessing, ImagePreprocessing)
        if self.image:
            pre = bundle.preprocessing
            self.register_buffer("mean", torch.tensor(pre.mean).view(1, -1, 1, 1))
            self.register_buffer("std", torch.tensor(pre.std).view(1, -1, 1, 1))

    def forward(self, inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.image:
            x = inputs.permute(0, 3, 1, 2).to(torch.float32) / 255.0
            inputs = (x - self.mean) / self.std
        logits = self.model(inputs)
        return torch.softmax(logits, dim=1), logits


@dataclass(frozen=True)
class TestExport:
    """What ``export_onnx`` returns, as far as compression reads it."""

    __test__ = False

    path: Path
    opset: int
    metadata: dict[str, Any]


def export_for_tests(model: nn.Module, bundle: ModelBundle, path: Path, *,
                     opset: int | None = None) -> TestExport:
    """``export_onnx``'s shape: write ``path`` (one file) and ``model.json`` beside it."""
    path = Path(path)
    model = model.eval()
    pre = bundle.preprocessing
    batch = torch.export.Dim("batch", min=1)
    if isinstance(pre, ImagePreprocessing):
        example = torch.zeros((2, pre.image_size, pre.image_size, pre.channels), dtype=torch.uint8)
        shapes = {"inputs": {0: batch}}
        spec = {"name": "pixels", "dtype": "uint8", "layout": "NHWC",
                "shape": ["batch", pre.image_size, pre.image_size, pre.channels]}
    else:
        # At the encoder's full length: textcnn's padding makes torch.export specialise a
        # shorter example's sequence length (ModelDesk's word encoder always pads to it).
        example = torch.ones((2, pre.max_length), dtype=torch.int64)
        shapes = {"inputs": {0: batch, 1: torch.export.Dim("sequence", min=1)}}
        spec = {"name": "input_ids", "dtype": "int64", "shape": ["batch", "sequence"],
                "pad_id": 0}
    program = torch.onnx.export(
        _Wrapper(model, bundle).eval(), (example,), dynamo=True, input_names=[spec["name"]],
        output_names=["probabilities", "logits"], dynamic_shapes=shapes, opset_version=opset,
        verbose=False)
    proto = program.model_proto
    metadata = {"format": "modeldesk-onnx", "version": 1, "architecture": bundle.architecture,
                "run_uid": bundle.run_uid, "class_names": list(bundle.class_names),
                "opset": proto.opset_import[0].version, "input": spec,
                "outputs": ["probabilities", "logits"], "preprocessing": pre.to_json()}
    onnx.helper.set_model_props(proto, {"modeldesk": json.dumps(metadata)})
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(proto, str(path))
    (path.parent / "model.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return TestExport(path, metadata["opset"], metadata)
