"""Derived models in the catalog: recorded with their file's size and hash, linked to run and
source, checks replaced in place, bad input refused with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.errors import CatalogError

RunFactory = Callable[..., int]


def _file(path: Path, data: bytes = b"onnx bytes") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_an_export_is_recorded_with_its_file_and_check(
        catalog: Catalog, make_run: RunFactory, tmp_path: Path) -> None:
    run = make_run()
    file = _file(catalog.runs_root / "x" / "model.onnx")

    record = catalog.add_export(run, kind="onnx", format="onnx", path=file, status="passed",
                                details={"opset": 20, "parity": {"top1_agreement": 1.0}})

    assert (record.run_id, record.kind, record.status) == (run, "onnx", "passed")
    assert record.path == file and record.size_bytes == len(b"onnx bytes")
    assert len(record.sha256) == 64 and len(record.uid) == 32
    assert record.details["parity"]["top1_agreement"] == 1.0
    assert catalog.get_export(record.id) == record
    assert catalog.list_exports(run) == [record]


def test_a_derived_model_links_to_its_source_and_a_check_can_be_replaced(
        catalog: Catalog, make_run: RunFactory, tmp_path: Path) -> None:
    run = make_run()
    onnx = catalog.add_export(run, kind="onnx", format="onnx", path=_file(tmp_path / "m.onnx"))
    int8 = catalog.add_export(run, kind="int8_static", format="onnx",
                              path=_file(tmp_path / "q.onnx", b"q"), source_export_id=onnx.id)

    failed = catalog.update_export_check(int8.id, status="failed", details={"why": "accuracy"})

    assert catalog.list_exports(source_export_id=onnx.id) == [failed]
    assert (failed.status, dict(failed.details)) == ("failed", {"why": "accuracy"})
    assert [e.id for e in catalog.list_exports()] == [onnx.id, int8.id]


@pytest.mark.parametrize("bad", ["missing file", "bad status", "no run", "no source", "nan"])
def test_bad_input_is_refused_and_nothing_is_written(
        catalog: Catalog, make_run: RunFactory, tmp_path: Path, bad: str) -> None:
    run = make_run()
    file = _file(tmp_path / "m.onnx")
    arguments = {"kind": "onnx", "format": "onnx", "path": file}
    if bad == "missing file":
        arguments["path"] = tmp_path / "absent.onnx"
    elif bad == "bad status":
        arguments["status"] = "fine"
    elif bad == "no source":
        arguments["source_export_id"] = 99
    elif bad == "nan":
        arguments["details"] = {"latency": float("nan")}

    with pytest.raises(CatalogError, match="does not exist|unknown export status|no exported"
                                           "|no run|JSON"):
        catalog.add_export(99 if bad == "no run" else run, **arguments)

    assert catalog.list_exports() == []
