"""Int8 compression of real tiny runs: each a new, smaller catalog row with its accuracy."""

from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime
import pytest

from app.core.analysis import test_results
from app.core.compress import MAX_ACCURACY_DROP, compress_run
from app.core.export import export_run, raw_inputs
from tests.core.compress.compress_runs import TrainedRun


def _record_onnx(run: TrainedRun, tmp_path) -> int:
    """The run's float ONNX export, made, checked and recorded by ``export_run``."""
    record = export_run(run.catalog, run.run_id, "onnx", tmp_path / "float")
    assert record.status == "passed", record.details
    return record.id


def _onnx_accuracy(run: TrainedRun, path) -> float:
    """Test accuracy of an ONNX file computed here, independently of ``measure``."""
    results = test_results(run.catalog, run.run_id)
    from app.core.models import read_bundle

    bundle = read_bundle(run.catalog.get_run_record(run.run_id).run_dir)
    items = [s.image_path or s.text for s in results.samples]
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    probabilities = session.run(["probabilities"], {session.get_inputs()[0].name:
                                                    raw_inputs(bundle.preprocessing, items)})[0]
    truth = [results.class_names.index(s.true_label) for s in results.samples]
    return float(np.mean(probabilities.argmax(axis=1) == np.array(truth)))


def test_int8_dynamic_text_model_is_smaller_and_recorded_against_its_onnx_source(
        text_run: TrainedRun, tmp_path) -> None:
    source_id = _record_onnx(text_run, tmp_path)
    row = compress_run(text_run.catalog, text_run.run_id, "int8_dynamic", rounds=5)
    source = text_run.catalog.get_export(source_id)
    assert (row.kind, row.format, row.source_export_id) == ("int8_dynamic", "onnx", source_id)
    assert row.status == "passed", row.details
    assert row.size_bytes < source.size_bytes
    details = row.details
    assert details["compressed"]["size_bytes"] == row.size_bytes
    assert details["source"]["size_bytes"] == source.size_bytes
    assert details["ratios"]["size"] == pytest.approx(row.size_bytes / source.size_bytes, 1e-3)
    # The float source scores what PyTorch scored on the same test samples (parity), and the
    # int8 accuracy in the row is what onnxruntime gives on the file when asked directly.
    torch_accuracy = test_results(text_run.catalog, text_run.run_id).accuracy
    assert details["source"]["accuracy"] == pytest.approx(torch_accuracy, abs=1e-6)
    assert details["compressed"]["accuracy"] == pytest.approx(_onnx_accuracy(text_run, row.path),
                                                              abs=1e-6)
    assert -details["deltas"]["accuracy_points"] <= MAX_ACCURACY_DROP
    assert set(details["compressed"]["latency_ms"]) == {"1", "32"}
    assert all(v > 0 for v in details["compressed"]["latency_ms"].values())
    assert details["result"]["integer_ops"].get("MatMulInteger", 0) >= 1
    metadata = json.loads((row.path.parent / "model.json").read_text(encoding="utf-8"))
    assert metadata["compression"]["method"] == "int8_dynamic"
    assert metadata["class_names"] == list(test_results(text_run.catalog,
                                                        text_run.run_id).class_names)


def test_int8_static_cnn_is_calibrated_on_training_samples_and_smaller(
        cnn_run: TrainedRun) -> None:
    row = compress_run(cnn_run.catalog, cnn_run.run_id, "int8_static", rounds=5,
                       calibration_samples=200)
    details = row.details
    assert row.kind == "int8_static" and row.source_export_id is None  # no recorded source
    assert row.status == "passed", details
    assert details["compressed"]["size_bytes"] < details["source"]["size_bytes"]
    assert details["compressed"]["weight_bytes"] < 0.4 * details["source"]["weight_bytes"]
    assert details["result"]["calibration_samples"] == 200
    assert details["compressed"]["accuracy"] == pytest.approx(_onnx_accuracy(cnn_run, row.path),
                                                              abs=1e-6)
    graph = onnx.load(str(row.path)).graph
    conv_inputs = {name for node in graph.node if node.op_type == "Conv" for name in node.input}
    dequantized = {node.output[0] for node in graph.node if node.op_type == "DequantizeLinear"}
    assert conv_inputs & dequantized, "the convolutions must read int8 (QDQ) weights"


def test_int8_dynamic_on_a_cnn_says_its_convolutions_stay_float(cnn_run: TrainedRun) -> None:
    row = compress_run(cnn_run.catalog, cnn_run.run_id, "int8_dynamic", rounds=3)
    result = row.details["result"]
    assert result["float_conv_layers"] == 6
    assert "stay float" in result["note"] and "int8_static" in result["note"]
    # The stored tensors barely shrink: only the classifier became int8.
    assert row.details["ratios"]["weight_size"] > 0.9
