"""A standalone bundle of a file the catalog already holds: an ONNX export or one of its
compressed (int8, pruned) versions, such as the file a model version names.

The file is not exported again: it is the one that was checked or measured, so the bundle
carries exactly what the registry promoted. Its row's sha256 is compared with the file first,
so a file changed since it was recorded is refused rather than shipped under its old figures.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from app.core.catalog import Catalog, ExportRecord
from app.core.export._errors import ExportError
from app.core.export._metadata import METADATA_FILE, TOKENIZER_FILE
from app.core.export._onnx import OnnxExport
from app.core.export._run_export import EXPORTS_FOLDER, exportable_run

BUNDLE_SOURCES = ("onnx", "int8_dynamic", "int8_static", "pruned")


def bundle_export(catalog: Catalog, export_id: int, out_dir: str | Path | None = None
                  ) -> ExportRecord:
    """Pack derived model ``export_id`` as a standalone folder and zip; record the bundle
    (its source is that file, its status the file's own check).

    Raises:
        CatalogError: no such export, or its run is in the trash.
        ExportError: not an ONNX file, the file or its ``model.json`` is missing or changed
            since it was recorded, or the folder cannot be written.
    """
    from app.core.export._standalone import bundle_name, write_standalone

    source = catalog.get_export(export_id)
    run = exportable_run(catalog, source.run_id)
    if source.kind not in BUNDLE_SOURCES:
        raise ExportError(f"file {export_id} is a {source.kind} ({source.format}); only an ONNX "
                          f"export or a compressed version can be bundled")
    onnx_export = _recorded_onnx(source)
    target = Path(out_dir) if out_dir is not None else \
        Path(run.run_dir) / EXPORTS_FOLDER / f"bundle-of-{export_id}"
    name = bundle_name(onnx_export.metadata, onnx_export.path)
    clash = next((p for p in (target / name, target / f"{name}.zip") if p.exists()), None)
    if clash is not None:
        raise ExportError(f"{clash} already exists; choose an empty output folder (an earlier "
                          "export is never overwritten)")
    created = not target.exists()
    try:
        folder, archive = write_standalone(onnx_export, target)
    except BaseException:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise
    details = {**source.details, "folder": str(folder), "bundled_kind": source.kind,
               "files": sorted(path.name for path in folder.iterdir())}
    try:
        return catalog.add_export(source.run_id, kind="bundle", format="zip", path=archive,
                                  status=source.status, details=details,
                                  source_export_id=source.id)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        archive.unlink(missing_ok=True)
        raise


def _recorded_onnx(source: ExportRecord) -> OnnxExport:
    path = Path(source.path)
    if not path.is_file():
        raise ExportError(f"the file of export {source.id} ({path}) is missing; export or "
                          "compress the model again")
    with path.open("rb") as stream:
        digest = hashlib.file_digest(stream, "sha256").hexdigest()
    if digest != source.sha256:
        raise ExportError(f"{path} changed since it was recorded as export {source.id} (its "
                          "sha256 differs); export or compress the model again")
    metadata_path = path.with_name(METADATA_FILE)
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ExportError(f"cannot read {metadata_path} ({error}); export or compress the "
                          "model again") from None
    tokenizer = path.with_name(TOKENIZER_FILE)
    return OnnxExport(path=path, metadata_path=metadata_path,
                      opset=int(metadata.get("opset") or 0), metadata=metadata, seconds=0.0,
                      tokenizer_path=tokenizer if tokenizer.is_file() else None)
