"""``export_run(..., "bundle")`` on real trained runs: the checked ONNX export and the bundle
packing it are two rows, the folder and zip hold everything ``predict.py`` needs, the README
states the check's result, and bad output folders leave nothing behind."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.export import ExportError, export_run
from app.core.models import RunFolder

BUNDLE_FILES = {"model.onnx", "model.json", "labels.txt", "predict.py", "README.md"}


@pytest.mark.parametrize("run_id", [1, 2], ids=["text", "image"])
def test_a_bundle_is_two_rows_and_a_folder_and_zip_stating_its_check(
        own_copy: Catalog, tmp_path: Path, run_id: int) -> None:
    bundle_row = export_run(own_copy, run_id, "bundle", tmp_path / "out")

    onnx_row = own_copy.get_export(bundle_row.source_export_id)
    assert own_copy.list_exports(run_id) == [onnx_row, bundle_row]
    assert (onnx_row.kind, onnx_row.format, onnx_row.status) == ("onnx", "onnx", "passed")
    assert (bundle_row.kind, bundle_row.format) == ("bundle", "zip")
    assert bundle_row.status == onnx_row.status == "passed"
    assert bundle_row.details["parity"] == onnx_row.details["parity"]
    assert onnx_row.path.parent.parent == RunFolder(
        own_copy.get_run_record(run_id).run_dir).path / "exports"

    folder = Path(bundle_row.details["folder"])
    assert bundle_row.path == folder.with_suffix(".zip") and folder.parent == tmp_path / "out"
    assert {p.name for p in folder.iterdir()} == BUNDLE_FILES
    assert sorted(bundle_row.details["files"]) == sorted(BUNDLE_FILES)
    assert (folder / "model.onnx").read_bytes() == onnx_row.path.read_bytes()
    description = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    assert description["parity"] == onnx_row.details["parity"]
    with zipfile.ZipFile(bundle_row.path) as archive:
        assert {Path(n).name for n in archive.namelist()} == BUNDLE_FILES
    readme = (folder / "README.md").read_text(encoding="utf-8")
    samples = onnx_row.details["parity"]["samples"]
    assert f"Checked against PyTorch on {samples} of the run's held-out test samples" in readme
    assert "**passed**" in readme and "100.00% at batch 1" in readme


def test_a_bundle_whose_check_fails_says_so_in_both_rows_and_its_readme(
        own_copy: Catalog, tmp_path: Path) -> None:
    bundle_row = export_run(own_copy, 1, "bundle", tmp_path / "out", tolerance=0.0)

    assert bundle_row.status == own_copy.get_export(bundle_row.source_export_id).status
    assert bundle_row.status == "failed"
    readme = (Path(bundle_row.details["folder"]) / "README.md").read_text(encoding="utf-8")
    assert "**failed**" in readme and "(tolerance 0.0e+00)" in readme


def _exports_folders(catalog: Catalog, run_id: int) -> list[str]:
    exports = RunFolder(catalog.get_run_record(run_id).run_dir).path / "exports"
    return sorted(p.name for p in exports.iterdir()) if exports.is_dir() else []


def test_an_occupied_output_folder_is_refused_before_anything_is_written(
        own_copy: Catalog, tmp_path: Path) -> None:
    first = export_run(own_copy, 2, "bundle", tmp_path / "out")
    rows, folders = own_copy.list_exports(), _exports_folders(own_copy, 2)
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*")}

    with pytest.raises(ExportError, match=f"{first.path.stem}.* already exists; choose an "
                                          "empty output folder"):
        export_run(own_copy, 2, "bundle", tmp_path / "out")
    assert own_copy.list_exports() == rows and _exports_folders(own_copy, 2) == folders
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*")} == before


def test_an_unwritable_output_folder_is_refused_and_nothing_is_written(
        own_copy: Catalog, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")

    with pytest.raises(ExportError, match=f"cannot write into {blocker / 'sub'}"):
        export_run(own_copy, 2, "bundle", blocker / "sub")
    assert own_copy.list_exports() == [] and _exports_folders(own_copy, 2) == []
