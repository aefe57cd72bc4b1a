"""Pruning reported honestly, and methods or sources that cannot work refused clearly."""

from __future__ import annotations

import pytest

from app.core.catalog import Catalog
from app.core.compress import CompressionError, compress_run
from tests.core.compress.compress_runs import SAMPLES, TrainedRun
from tests.core.inference.inference_runs import train


def _compressed_folders(run: TrainedRun) -> list:
    folder = run.catalog.get_run_record(run.run_id).run_dir / "compressed"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_pruning_keeps_the_dense_size_and_reports_the_gzip_saving(text_run: TrainedRun) -> None:
    row = compress_run(text_run.catalog, text_run.run_id, "pruned", prune_amount=0.5, rounds=3)
    details = row.details
    assert row.kind == "pruned" and row.source_export_id is None
    assert details["result"]["pruned_weight_sparsity"] == pytest.approx(0.5, abs=0.01)
    # Honest sizes: zeros are stored like any float, so the dense file does not shrink ...
    assert details["compressed"]["size_bytes"] == pytest.approx(
        details["source"]["size_bytes"], rel=0.01)
    assert details["ratios"]["size"] > 0.99
    # ... only the compressed (gzip) file does.
    assert details["ratios"]["gzip_size"] < 0.8
    assert "gzip" in details["status_rule"]
    assert row.status == ("passed" if -details["deltas"]["accuracy_points"] <= 2 else "failed")


def test_heavy_pruning_that_loses_accuracy_is_recorded_as_failed(cnn_run: TrainedRun) -> None:
    row = compress_run(cnn_run.catalog, cnn_run.run_id, "pruned", prune_amount=0.95, rounds=2)
    assert row.status == "failed"
    assert row.details["deltas"]["accuracy_points"] < -2
    assert cnn_run.catalog.get_export(row.id).status == "failed"


def test_static_int8_on_an_embedding_text_model_is_refused_saying_why(
        text_run: TrainedRun) -> None:
    before = text_run.catalog.list_exports(text_run.run_id)
    folders = _compressed_folders(text_run)
    with pytest.raises(CompressionError, match="no convolution.*use int8_dynamic"):
        compress_run(text_run.catalog, text_run.run_id, "int8_static")
    assert text_run.catalog.list_exports(text_run.run_id) == before
    assert _compressed_folders(text_run) == folders


def test_a_corrupt_source_file_gives_a_clear_message_and_no_row(tmp_path) -> None:
    # Its own run: the corrupt export it records must not become other tests' source.
    catalog = Catalog(tmp_path / "catalog.sqlite")
    text_run = TrainedRun(catalog, train(catalog, SAMPLES / "topics.csv", "bag_of_embeddings",
                                         epochs=1))
    corrupt = tmp_path / "model.onnx"
    corrupt.write_bytes(b"\x08\x07 this is not a protobuf model \xff\xfe" * 40)
    source = text_run.catalog.add_export(text_run.run_id, kind="onnx", format="onnx",
                                         path=corrupt, status="passed")
    before = text_run.catalog.list_exports(text_run.run_id)
    folders = _compressed_folders(text_run)
    with pytest.raises(CompressionError, match=f"{corrupt}.*not a readable ONNX model"):
        compress_run(text_run.catalog, text_run.run_id, "int8_dynamic",
                     source_export_id=source.id)
    assert text_run.catalog.list_exports(text_run.run_id) == before
    assert _compressed_folders(text_run) == folders


def test_an_unknown_method_names_the_known_ones(text_run: TrainedRun) -> None:
    with pytest.raises(CompressionError, match="int8_dynamic, int8_static, pruned"):
        compress_run(text_run.catalog, text_run.run_id, "int4")


def test_an_unwritable_output_folder_is_named_and_nothing_is_recorded(
        text_run: TrainedRun, tmp_path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")
    before = text_run.catalog.list_exports(text_run.run_id)
    with pytest.raises(CompressionError, match="cannot write the compressed model"):
        compress_run(text_run.catalog, text_run.run_id, "int8_dynamic", out_dir=blocked)
    assert text_run.catalog.list_exports(text_run.run_id) == before
