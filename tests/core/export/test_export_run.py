"""``export_run`` on real trained runs: the catalog row carries the check's figures, the
exported file predicts what the Predictor predicts, and bad input leaves nothing behind."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

from app.core.analysis import test_results
from app.core.catalog import Catalog
from app.core.errors import CatalogError, CheckpointError, ConfigError
from app.core.export import ExportError, export_run, raw_inputs
from app.core.inference import Predictor
from app.core.models import RunFolder


def _items(catalog: Catalog, run_id: int) -> list:
    return [s.image_path or s.text for s in test_results(catalog, run_id).samples]


@pytest.mark.parametrize("run_id", [1, 2], ids=["text", "image"])
def test_an_onnx_export_is_recorded_passed_and_predicts_what_the_predictor_does(
        own_copy: Catalog, run_id: int) -> None:
    record = export_run(own_copy, run_id, "onnx")

    assert record.status == "passed" and record.kind == "onnx" and record.format == "onnx"
    parity = record.details["parity"]
    assert parity["passed"] and parity["agreement"] == 1.0
    assert parity["max_abs_diff"] <= parity["tolerance"] == 1e-4
    assert parity["samples"] == len(_items(own_copy, run_id)) and record.details["opset"] >= 17
    assert own_copy.list_exports(run_id) == [record]
    beside = json.loads((record.path.parent / "model.json").read_text(encoding="utf-8"))
    assert beside["parity"]["passed"] and beside["class_names"] == list(
        Predictor.from_run(own_copy, run_id).class_names)

    predictor = Predictor.from_run(own_copy, run_id)
    items = _items(own_copy, run_id)
    session = onnxruntime.InferenceSession(str(record.path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    inputs = raw_inputs(predictor.bundle.preprocessing, items)
    exported = session.run(["probabilities"], {name: inputs})[0]
    expected = np.array(predictor.probabilities(items))
    assert (exported.argmax(1) == expected.argmax(1)).all()
    assert np.abs(exported - expected).max() <= 1e-4


def test_a_torch_export_passes_its_check_in_its_own_folder(own_copy: Catalog) -> None:
    record = export_run(own_copy, 2, "torch")

    assert (record.kind, record.format, record.status) == ("torch_export", "pt2", "passed")
    assert record.path.name == "model.pt2" and record.path.parent.parent.name == "exports"
    assert record.details["parity"]["batch_1"]["agreement"] == 1.0


def test_a_failed_check_is_recorded_as_failed_with_its_figures(own_copy: Catalog) -> None:
    """A tolerance of zero: two runtimes' float32 kernels never agree to the last bit on
    every sample, so the check fails, and the row says so instead of disappearing."""
    record = export_run(own_copy, 1, "onnx", tolerance=0.0)

    assert record.status == "failed" and record.path.is_file()
    assert record.details["parity"]["max_abs_diff"] > 0.0
    assert own_copy.get_export(record.id).status == "failed"


def test_an_export_into_a_given_folder_refuses_to_overwrite_one(
        own_copy: Catalog, tmp_path: Path) -> None:
    export_run(own_copy, 2, "onnx", tmp_path / "out")

    with pytest.raises(ExportError, match="already exists; choose an empty output folder"):
        export_run(own_copy, 2, "onnx", tmp_path / "out")
    assert len(own_copy.list_exports(2)) == 1


def _nothing_written(catalog: Catalog, run_id: int) -> None:
    assert catalog.list_exports() == []
    assert not (RunFolder(catalog.get_run_record(run_id).run_dir).path / "exports").exists()


def test_a_run_without_weights_is_refused(own_copy: Catalog) -> None:
    RunFolder(own_copy.get_run_record(2).run_dir).weights.unlink()

    with pytest.raises(CheckpointError, match="run 2 has no trained weights to export"):
        export_run(own_copy, 2, "onnx")
    _nothing_written(own_copy, 2)


def test_damaged_weights_are_refused(own_copy: Catalog) -> None:
    RunFolder(own_copy.get_run_record(1).run_dir).weights.write_bytes(b"\x00" * 64)

    with pytest.raises(CheckpointError, match="run 1: its model cannot be exported"):
        export_run(own_copy, 1, "onnx")
    _nothing_written(own_copy, 1)


def test_an_unwritable_output_folder_is_refused(own_copy: Catalog, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")

    with pytest.raises(ExportError, match=f"cannot write into {blocker / 'sub'}"):
        export_run(own_copy, 2, "onnx", blocker / "sub")
    _nothing_written(own_copy, 2)


def test_an_unknown_format_is_refused(own_copy: Catalog) -> None:
    with pytest.raises(ConfigError, match="unknown export format 'tflite'"):
        export_run(own_copy, 2, "tflite")
    _nothing_written(own_copy, 2)


def test_a_run_in_the_trash_is_refused_for_export_and_compression(own_copy: Catalog) -> None:
    from app.core.compress import compress_run

    own_copy.trash_runs([1])

    with pytest.raises(CatalogError, match="run 1 .* is in the trash; restore it"):
        export_run(own_copy, 1, "onnx")
    with pytest.raises(CatalogError, match="run 1 .* is in the trash; restore it"):
        compress_run(own_copy, 1, "int8_dynamic")
    _nothing_written(own_copy, 1)
    assert not (RunFolder(own_copy.get_run_record(1).run_dir).path / "compressed").exists()
