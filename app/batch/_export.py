"""``main.py --export RUN --format onnx|torch|bundle [--out DIR]``: export, check, say so.

Exit codes follow batch mode's: 0 the export passed its parity check, 2 bad input (no such
run, no weights, an unwritable folder: one ``error:`` line, nothing written or recorded), and
3 (``EXIT_PARITY_FAILED``) when the file was written and recorded but disagrees with the
model: a script must not ship it by mistake, so it is not 0, and not 1 either (no run failed).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from app.core.catalog import Catalog, ExportRecord, ModelVersion
from app.core.errors import CatalogError, ConfigError
from app.core.export import DEFAULT_TOLERANCE, bundle_export, export_run
from app.core.runs import find_run, find_version

EXIT_PARITY_FAILED = 3


def export_model(reference: str, fmt: str, catalog_path: Path, *, out_dir: Path | None = None,
                 tolerance: float = DEFAULT_TOLERANCE, out: TextIO | None = None) -> int:
    """Export the run ``reference`` names (an id or 6+ digits of its uid); the exit code."""
    out = out or sys.stdout
    if not Path(catalog_path).is_file():  # never create an empty catalog for a typo
        raise CatalogError(f"cannot export run {reference}: no catalog at {catalog_path}; "
                           "check --catalog or $MODELDESK_CATALOG")
    reader = Catalog(catalog_path, read_only=True)
    version = find_version(reader, reference, what=f"--export {reference}")
    if version is not None and version.export_id is not None:
        return _export_version_file(version, fmt, catalog_path, out_dir, out)
    run = find_run(reader, reference, what=f"run {reference}")
    print(f"exporting run {run.id} ({run.name}, uid {run.uid[:8]}) as {fmt}", file=out,
          flush=True)
    record = export_run(Catalog(catalog_path), run.id, fmt, out_dir, tolerance=tolerance)
    print(describe(record), file=out, flush=True)
    return 0 if record.status == "passed" else EXIT_PARITY_FAILED


def _export_version_file(version: ModelVersion, fmt: str, catalog_path: Path,
                         out_dir: Path | None, out: TextIO) -> int:
    """A version that names one file (an export, an int8 version) hands out that file: the
    one its check or measurement was made on, bundled as it is."""
    catalog = Catalog(catalog_path)
    source = catalog.get_export(int(version.export_id))
    if fmt != "bundle":
        raise ConfigError(f"{version.label} is the {source.kind} file {source.id} of run "
                          f"{source.run_id} ({source.path}); use --format bundle to package that "
                          f"file, or --export {source.run_id} to export the run's model afresh",
                          fields=("format",))
    print(f"bundling {version.label}: the {source.kind} file {source.id} of run "
          f"{source.run_id}", file=out, flush=True)
    record = bundle_export(catalog, source.id, out_dir)
    details = record.details
    print(f"wrote {record.path} ({record.size_bytes / 1e6:.2f} MB) and the folder "
          f"{details['folder']}: {', '.join(details['files'])}\n"
          f"recorded as export {record.id} of run {record.run_id} ({record.status}, the "
          f"{source.kind} file's own check)", file=out, flush=True)
    return 0 if record.status != "failed" else EXIT_PARITY_FAILED


def describe(record: ExportRecord) -> str:
    """What was written and how its check went, a few lines for the console."""
    details = record.details
    parity = details.get("parity") or {}
    one, many = parity.get("batch_1", {}), parity.get("batch_n", {})
    verdict = "passed" if record.status == "passed" else "FAILED"
    opset = f", opset {details['opset']}" if details.get("opset") else ""
    files = ", ".join(details.get("files") or [Path(record.path).name])
    if details.get("folder"):  # a bundle: the zip and the folder it holds
        wrote = (f"wrote {record.path} ({record.size_bytes / 1e6:.2f} MB{opset}) and the "
                 f"folder {details['folder']}: {files}")
    else:
        wrote = (f"wrote {record.path} ({record.size_bytes / 1e6:.2f} MB{opset}); beside it "
                 f"in {Path(record.path).parent}: {files}")
    return (f"{wrote}\n"
            f"parity {verdict} on {parity.get('samples')} test samples (tolerance "
            f"{parity.get('tolerance'):.0e}): top-1 agreement {one.get('agreement', 0):.2%} at "
            f"batch 1, {many.get('agreement', 0):.2%} at batch {parity.get('batch_size')}; "
            f"max |Δprobability| {parity.get('max_abs_diff', float('nan')):.2e}\n"
            f"recorded as export {record.id} of run {record.run_id} ({record.status})"
            + (f", packing ONNX export {record.source_export_id}"
               if record.source_export_id is not None else ""))
