"""The parity check on files that are not a good export, and exports that fail half-way."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from app.core.export import ExportError, check_parity, export_onnx
from tests.core.export.palette_bundles import sample_items, tiny_bundle, tiny_model


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("exported")
    bundle = tiny_bundle("small_cnn")
    model = tiny_model(bundle)
    return export_onnx(model, bundle, folder / "model.onnx"), model, bundle


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is not a readable ONNX model"),
    (b"\x08\x07garbage that is not protobuf", "is not a readable ONNX model"),
    (None, "does not exist"),
], ids=["empty", "garbage", "missing"])
def test_a_bad_file_is_a_clear_error_naming_it(exported, tmp_path: Path, content: bytes | None,
                                               message: str) -> None:
    _, model, bundle = exported
    path = tmp_path / "model.onnx"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(ExportError, match=message) as caught:
        check_parity(path, model, bundle, sample_items(bundle, 4))
    assert str(path) in str(caught.value)


def test_another_models_export_is_named_as_such(exported, tmp_path: Path) -> None:
    onnx_export, _, _ = exported
    text = tiny_bundle("bag_of_embeddings")

    with pytest.raises(ExportError, match="is not a ModelDesk export of this model"):
        check_parity(onnx_export.path, tiny_model(text), text, sample_items(text, 4))


def test_a_model_that_disagrees_with_the_file_fails_the_check(exported) -> None:
    onnx_export, model, bundle = exported
    other = tiny_model(bundle)
    with torch.no_grad():
        for parameter in other.parameters():
            parameter.add_(torch.randn_like(parameter))

    parity = check_parity(onnx_export.path, other, bundle, sample_items(bundle, 20))

    assert not parity.passed and parity.max_diff > parity.tolerance


class _DataDependent(nn.Module):
    """Branches on its input's values: torch.export cannot follow that."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.flatten(1)[:, :3] if x.sum() > 0 else -x.flatten(1)[:, :3]


def test_a_model_that_cannot_be_traced_leaves_no_file(tmp_path: Path) -> None:
    bundle = tiny_bundle("small_cnn")

    with pytest.raises(ExportError, match="cannot be exported: torch.export could not trace"):
        export_onnx(_DataDependent(), bundle, tmp_path / "out" / "model.onnx")
    assert list((tmp_path / "out").iterdir()) == []


def test_the_file_keeps_the_modeldesk_record_and_none_of_torchs_debugging_notes(
        exported) -> None:
    """torch's exporter annotates every node and value with stack traces (this machine's
    source paths), module namespaces and FX nodes; export_onnx drops them, not the record."""
    import onnx

    onnx_export, _, _ = exported
    model = onnx.load(str(onnx_export.path))
    graph = model.graph
    values = [*graph.input, *graph.output, *graph.value_info, *graph.initializer]
    assert len(graph.node) > 5
    assert not any(node.metadata_props or node.doc_string for node in graph.node)
    assert not any(value.metadata_props for value in values)
    assert not graph.metadata_props
    assert [prop.key for prop in model.metadata_props] == ["modeldesk"]
    assert b"stack_trace" not in onnx_export.path.read_bytes()
    assert b"_wrapper.py" not in onnx_export.path.read_bytes()
