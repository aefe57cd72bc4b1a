"""``export_run``: a catalog run's model exported, checked on its own test samples, recorded.

Everything is checked before anything is written (the run, its weights, its test samples,
the output folder), and the catalog row is added last, after the files are complete and the
check has run, so bad input leaves no row and no files. A failed parity check is recorded as
``failed`` with its figures: it is shown, never hidden.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.analysis import test_results
from app.core.catalog import Catalog, ExportRecord, RunRecord
from app.core.errors import CatalogError, CheckpointError, ConfigError
from app.core.export._errors import ExportError
from app.core.export._metadata import METADATA_FILE, TOKENIZER_FILE
from app.core.export._onnx import export_onnx
from app.core.export._parity import (
    DEFAULT_TOLERANCE,
    MAX_SAMPLES,
    Parity,
    check_parity,
    check_torch_parity,
)
from app.core.export._record_parity import record_parity
from app.core.export._staging import writable_folder
from app.core.export._torch_export import export_torch
from app.core.models import ModelBundle, RunFolder, has_model, load_bundle

if TYPE_CHECKING:
    from torch import nn

FORMATS = ("onnx", "torch", "bundle")
EXPORTS_FOLDER = "exports"
_KINDS = {"onnx": ("onnx", "onnx"), "torch": ("torch_export", "pt2"), "bundle": ("bundle", "zip")}
_FILES = {"onnx": "model.onnx", "torch": "model.pt2"}


@dataclass(frozen=True)
class RunModel:
    """A run's model, its recipe and the test samples its export is checked on."""

    run_id: int
    model: nn.Module
    bundle: ModelBundle
    items: Sequence[Any]
    run_dir: Path


def export_run(catalog: Catalog, run_id: int, fmt: str, out_dir: str | Path | None = None, *,
               tolerance: float = DEFAULT_TOLERANCE) -> ExportRecord:
    """Export run ``run_id`` as ``fmt`` (``onnx``, ``torch`` or ``bundle``), check it and
    record it; the record's ``details`` hold the opset, the parity figures and the input.

    ``out_dir`` defaults to ``exports/<format>-<id>/`` in the run's folder; a given folder is
    created if needed and must not already hold an export. ``tolerance`` bounds the largest
    probability difference the parity check accepts.

    Raises:
        ConfigError: an unknown format.
        CatalogError: no such run.
        CheckpointError: the run has no weights, or they are damaged.
        ExportError: no test samples to check on, an unwritable folder, an untraceable model.
    """
    if not 0 <= tolerance < 1:
        raise ConfigError(f"the parity tolerance must be at least 0 and below 1, not "
                          f"{tolerance}", fields=("tolerance",))
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}",
                          fields=("format",))
    source = load_run_model(catalog, run_id)
    default = source.run_dir / EXPORTS_FOLDER / f"{fmt}-{uuid.uuid4().hex[:8]}"
    target = _empty_target(Path(out_dir) if out_dir is not None else default, fmt,
                           source.bundle)
    if fmt == "bundle":
        return _export_bundle(catalog, source, target, tolerance)
    return _export_file(catalog, source, fmt, target, tolerance)


def exportable_run(catalog: Catalog, run_id: int) -> RunRecord:
    """The run, refused while it is in the trash (its files are on their way out, and the
    window offers no export there either)."""
    run = catalog.get_run_record(run_id)
    if run.trashed_at is not None:
        raise CatalogError(f"run {run_id} ({run.name}) is in the trash; restore it to export "
                           "or compress its model")
    return run


def load_run_model(catalog: Catalog, run_id: int) -> RunModel:
    """The run's model and up to :data:`MAX_SAMPLES` of its test samples (paths or texts)."""
    run = exportable_run(catalog, run_id)
    if not has_model(run.run_dir):
        raise CheckpointError(f"run {run_id} has no trained weights to export (no "
                              f"{RunFolder(run.run_dir).weights}); train it first")
    try:
        model, bundle = load_bundle(run.run_dir)
    except CheckpointError as error:
        raise CheckpointError(f"run {run_id}: its model cannot be exported ({error}); train "
                              "the run again") from error
    results = test_results(catalog, run_id)
    if not results.dataset_available:
        raise ExportError(f"run {run_id}'s export cannot be checked against its test samples: "
                          f"{results.note}")
    items = [s.image_path if s.image_path is not None else s.text for s in results.samples]
    if not items:
        raise ExportError(f"run {run_id} has no test samples to check an export on")
    return RunModel(run_id, model, bundle, items[:MAX_SAMPLES], Path(run.run_dir))


def _export_file(catalog: Catalog, source: RunModel, fmt: str, target: Path,
                 tolerance: float) -> ExportRecord:
    created = not target.exists()
    export, parity = _write_checked(source, fmt, target, tolerance)
    try:
        return _record(catalog, source, fmt, export, parity)
    except BaseException:
        _remove(target, created, export.files)
        raise


def _write_checked(source: RunModel, fmt: str, target: Path,
                   tolerance: float) -> tuple[Any, Parity]:
    """The export's files in ``target``, checked, the result written into its metadata;
    on any failure the files (and a folder made for them) are removed."""
    created = not target.exists()
    writable_folder(target)
    path = target / _FILES[fmt]
    try:
        if fmt == "onnx":
            export: Any = export_onnx(source.model, source.bundle, path)
            parity = check_parity(path, source.model, source.bundle, source.items,
                                  tolerance=tolerance)
        else:
            export = export_torch(source.model, source.bundle, path)
            parity = check_torch_parity(path, source.model, source.bundle, source.items,
                                        tolerance=tolerance)
        return record_parity(export, parity), parity
    except BaseException:
        _remove(target, created, (path, target / METADATA_FILE, target / TOKENIZER_FILE))
        raise


def _record(catalog: Catalog, source: RunModel, fmt: str, export: Any,
            parity: Parity) -> ExportRecord:
    kind, file_format = _KINDS[fmt]
    return catalog.add_export(source.run_id, kind=kind, format=file_format, path=export.path,
                              status="passed" if parity.passed else "failed",
                              details=export_details(export, parity))


def _export_bundle(catalog: Catalog, source: RunModel, target: Path,
                   tolerance: float) -> ExportRecord:
    """The checked ONNX export (in the run's folder) packed as a standalone folder and zip
    by ``_standalone.write_standalone``, its README stating the check's result. Both rows,
    the ONNX one and the bundle naming it as its source, are added once every file is
    complete; a failure before that removes the ONNX files and leaves no row."""
    from app.core.export._standalone import write_standalone

    created = not target.exists()
    writable_folder(target)
    onnx_folder = source.run_dir / EXPORTS_FOLDER / f"onnx-{uuid.uuid4().hex[:8]}"
    try:
        onnx_export, parity = _write_checked(source, "onnx", onnx_folder, tolerance)
        folder, archive = write_standalone(onnx_export, target)
    except BaseException:
        shutil.rmtree(onnx_folder, ignore_errors=True)
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise
    onnx_row = _record(catalog, source, "onnx", onnx_export, parity)
    details = {**onnx_row.details, "folder": str(folder),
               "files": sorted(path.name for path in folder.iterdir())}
    return catalog.add_export(source.run_id, kind="bundle", format="zip", path=archive,
                              status=onnx_row.status, details=details,
                              source_export_id=onnx_row.id)


def export_details(export: Any, parity: Parity) -> dict[str, Any]:
    """The catalog row's ``details``: what the file takes and gives, and the check."""
    metadata = export.metadata
    return {"opset": metadata.get("opset"), "parity": parity.to_json(),
            "tolerance": parity.tolerance, "samples": parity.samples,
            "input": metadata["input"], "outputs": metadata["outputs"],
            "export_seconds": round(export.seconds, 3),
            "files": [file.name for file in export.files]}


def _empty_target(target: Path, fmt: str, bundle: ModelBundle) -> Path:
    """``target``, unless it is a file or already holds what this export would write."""
    target = target.expanduser()
    if fmt == "bundle":
        from app.core.export._standalone import bundle_name

        name = bundle_name({"architecture": bundle.architecture, "run_uid": bundle.run_uid},
                           target)
        names = [name, f"{name}.zip"]
    else:
        names = [_FILES[fmt], METADATA_FILE]
    clash = next((target / name for name in names if name and (target / name).exists()), None)
    if clash is not None:
        raise ExportError(f"{clash} already exists; choose an empty output folder (an earlier "
                          "export is never overwritten)")
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} is a file, not a folder; choose an output folder")
    return target


def _remove(target: Path, created: bool, files: Sequence[Path]) -> None:
    if created:
        shutil.rmtree(target, ignore_errors=True)
        return
    for file in files:
        file.unlink(missing_ok=True)

