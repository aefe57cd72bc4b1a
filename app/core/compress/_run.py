"""``compress_run``: a run's model made smaller, measured against its source, recorded.

The float source is the run's recorded ONNX export (the newest that did not fail its parity
check, or the one named), else one made now with the export layer's ``export_onnx`` in a
temporary folder, only to compare against. Compression never exports by itself: the pruned
model goes through the same ``export_onnx``, so source and pruned graphs differ only in their
weights. The compressed model and its ``model.json`` are written
in a hidden staging folder, measured, then renamed into place and recorded; any error removes
the staging folder, so no row points at a half-written file.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.catalog import Catalog, ExportRecord
from app.core.compress._errors import CompressionError
from app.core.compress._measure import Comparison, measure
from app.core.compress._onnx_files import gzip_bytes, load_graph, model_metadata, size_bytes
from app.core.compress._prune import magnitude_prune
from app.core.compress._quantize import (
    DYNAMIC_OPS,
    has_convolution,
    quantize_int8_dynamic,
    quantize_int8_static,
    weighted_ops,
)
from app.core.compress._samples import test_inputs, training_inputs
from app.core.errors import ModelDeskError
from app.core.export import (
    METADATA_FILE,
    METADATA_KEY,
    TOKENIZER_FILE,
    exportable_run,
    metadata_text,
    reason_of,
)
from app.core.models import ModelBundle, RunFolder, load_bundle, read_bundle

if TYPE_CHECKING:
    from torch import nn

METHODS = ("int8_dynamic", "int8_static", "pruned")
MAX_ACCURACY_DROP = 2.0
"""Percentage points of test accuracy a compressed model may lose and still pass."""


def compress_run(catalog: Catalog, run_id: int, method: str, *,
                 source_export_id: int | None = None,
                 out_dir: Path | None = None, calibration_samples: int = 300,
                 prune_amount: float = 0.5, max_accuracy_drop: float = MAX_ACCURACY_DROP,
                 threads: int = 1, rounds: int = 30) -> ExportRecord:
    """Compress run ``run_id``'s model with ``method`` and record it as a new export row.

    Status: ``passed`` when test accuracy drops by at most ``max_accuracy_drop`` points and
    the file is smaller (for ``pruned``: its gzip size, as the dense size cannot shrink);
    else ``failed``, recorded all the same.

    Raises:
        CompressionError: an unknown method, one that does not apply to this model (the
            message says why), an unreadable source file or missing samples.
        ExportError: the source cannot be exported, or onnxruntime cannot open a file.
        CatalogError, CheckpointError: no such run or export, no usable model.
    """
    if method not in METHODS:
        raise CompressionError(f"unknown compression method {method!r}; expected one of "
                               f"{', '.join(METHODS)}")
    run = exportable_run(catalog, run_id)
    bundle = read_bundle(run.run_dir)
    target_parent = Path(out_dir) if out_dir is not None else RunFolder(run.run_dir).path / \
        "compressed"
    name = f"{method}-{uuid.uuid4().hex[:8]}"
    staging = target_parent / f".{name}.tmp"
    with tempfile.TemporaryDirectory(prefix="modeldesk-compress-") as work:
        source, source_row = _source(catalog, run_id, bundle, source_export_id, Path(work))
        _check_applies(method, source, bundle)
        _make_folder(staging)
        try:
            target = staging / "model.onnx"
            info = _compress(catalog, run_id, method, source, target, bundle,
                             calibration_samples, prune_amount)
            test = test_inputs(catalog, run_id, bundle.preprocessing, bundle.class_names)
            comparison = measure(source, target, test, threads=threads, rounds=rounds)
            status, rule = _status(method, comparison, max_accuracy_drop)
            details = _details(method, info, comparison, rule, source_row, prune_amount,
                               calibration_samples)
            _write_metadata(source, staging, details)
            _final_sizes(details, target)  # the metadata just written is part of the file
            status, rule = _status(method, comparison, max_accuracy_drop)
            final = target_parent / name
            staging.rename(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    try:
        return catalog.add_export(run_id, kind=method, format="onnx", path=final / "model.onnx",
                                  status=status, details=details,
                                  source_export_id=None if method == "pruned" else
                                  (source_row.id if source_row else None))
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise


def _source(catalog: Catalog, run_id: int, bundle: ModelBundle, export_id: int | None,
            work: Path) -> tuple[Path, ExportRecord | None]:
    """The float ONNX to start from and compare with, and its row when it is recorded."""
    if export_id is not None:
        row = catalog.get_export(export_id)
        if row.run_id != int(run_id) or row.format != "onnx" or row.kind != "onnx":
            raise CompressionError(f"export {export_id} is not a float ONNX export of run "
                                   f"{run_id} (it is a {row.kind} {row.format} of run "
                                   f"{row.run_id}); name one of the run's ONNX exports")
        load_graph(row.path)
        return row.path, row
    usable = [row for row in catalog.list_exports(run_id)
              if row.kind == "onnx" and row.status != "failed" and row.path.is_file()]
    if usable:
        load_graph(usable[-1].path)
        return usable[-1].path, usable[-1]
    model, bundle = load_bundle(catalog.get_run_record(run_id).run_dir)
    path = _export(model, bundle, work / "source" / "model.onnx")
    load_graph(path)
    return path, None


def _export(model: nn.Module, bundle: ModelBundle, path: Path) -> Path:
    from app.core.export import export_onnx  # the export layer, below this one

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return Path(export_onnx(model, bundle, path).path)
    except ModelDeskError:
        raise
    except Exception as error:  # the exporter's own failure, e.g. an unsupported layer
        raise CompressionError(f"the {bundle.architecture} model cannot be exported to ONNX "
                               f"({reason_of(error)}), so it cannot be compressed") from None



def _check_applies(method: str, source: Path, bundle: ModelBundle) -> None:
    """Refuse a method that would do nothing useful for this model, saying why."""
    arch = bundle.architecture
    if method == "int8_static" and not has_convolution(source):
        raise CompressionError(
            f"int8_static does not apply to the {arch} model: it has no convolution, and "
            "static int8 pays off for convolutional models (its weights are Linear and "
            "embedding layers, which int8_dynamic quantises without calibration); use "
            "int8_dynamic")
    if method == "int8_dynamic" and not any(op in DYNAMIC_OPS for op in weighted_ops(source)):
        raise CompressionError(
            f"int8_dynamic does not apply to the {arch} model: it has no Linear, embedding or "
            "LSTM weights to quantise; use int8_static")


def _compress(catalog: Catalog, run_id: int, method: str, source: Path, target: Path,
              bundle: ModelBundle, calibration_samples: int,
              prune_amount: float) -> dict[str, Any]:
    if method == "int8_dynamic":
        return quantize_int8_dynamic(source, target)
    if method == "int8_static":
        samples = training_inputs(catalog, run_id, bundle.preprocessing, calibration_samples)
        input_name = load_graph(source).graph.input[0].name
        return quantize_int8_static(source, target, samples, input_name)
    model, bundle = load_bundle(catalog.get_run_record(run_id).run_dir)
    pruned, info = magnitude_prune(model, prune_amount)
    written = _export(pruned, bundle, target)
    if written != target:
        raise CompressionError(f"the exporter wrote {written}, not {target}")
    return {**info, "note": "the dense file keeps every zero; compare gzip sizes"}


def _status(method: str, comparison: Comparison, max_drop: float) -> tuple[str, str]:
    size_key = "gzip_size" if method == "pruned" else "size"
    rule = (f"passed when test accuracy drops by at most {max_drop:g} points and the "
            f"{'gzip-compressed ' if method == 'pruned' else ''}file is smaller than the source")
    ok = comparison.accuracy_drop_points <= max_drop and comparison.ratios[size_key] < 1.0
    return ("passed" if ok else "failed"), rule


def _details(method: str, info: dict[str, Any], comparison: Comparison, rule: str,
             source_row: ExportRecord | None, prune_amount: float,
             calibration_samples: int) -> dict[str, Any]:
    settings: dict[str, Any] = {"method": method, "tool": "onnxruntime.quantization"}
    if method == "int8_dynamic":
        settings.update(weights="int8 per tensor", activations="quantised at run time",
                        ops=list(DYNAMIC_OPS))
    elif method == "int8_static":
        settings.update(format="QDQ", weights="int8 per channel", activations="uint8",
                        calibration_samples=calibration_samples)
    else:
        settings = {"method": method, "tool": "torch.nn.utils.prune", "amount": prune_amount}
    return {**comparison.to_json(), "method": method, "settings": settings, "result": info,
            "status_rule": rule,
            "source_export": source_row.id if source_row else None,
            "source_note": ("the run's recorded ONNX export" if source_row else
                            "a float ONNX export made for this comparison (not recorded)")}


def _write_metadata(source: Path, folder: Path, details: dict[str, Any]) -> None:
    """The compressed model's ``modeldesk`` metadata, in its ONNX file and in ``model.json``
    beside it: the source's, less the source's parity result (it says nothing about this
    file), plus how it was compressed and what that cost; the tokenizer file is copied too,
    so a bundle or a program reads it like any export."""
    import onnx

    metadata = model_metadata(load_graph(source))
    metadata.pop("parity", None)
    metadata["compression"] = {"method": details["method"], "settings": details["settings"],
                               "source_accuracy": details["source"]["accuracy"],
                               "accuracy": details["compressed"]["accuracy"],
                               "top1_agreement": details["deltas"]["top1_agreement"],
                               "test_samples": details["measurement"]["test_samples"],
                               "status_rule": details["status_rule"]}
    text = metadata_text(metadata)
    target = folder / "model.onnx"
    model = onnx.load(str(target))
    kept = [p for p in model.metadata_props if p.key != METADATA_KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    onnx.helper.set_model_props(model, {**{p.key: p.value for p in kept}, METADATA_KEY: text})
    onnx.save(model, str(target))
    (folder / METADATA_FILE).write_text(text, encoding="utf-8")
    tokenizer = Path(source).with_name(TOKENIZER_FILE)
    if tokenizer.is_file():
        shutil.copy2(tokenizer, folder / TOKENIZER_FILE)


def _final_sizes(details: dict[str, Any], target: Path) -> None:
    """Sizes and size ratios of the file as it is kept (``details`` shares its ``ratios``
    with the comparison the status is judged on)."""
    made, source, ratios = details["compressed"], details["source"], details["ratios"]
    made["size_bytes"], made["gzip_bytes"] = size_bytes(target), gzip_bytes(target)
    ratios["size"] = round(made["size_bytes"] / source["size_bytes"], 4)
    ratios["gzip_size"] = round(made["gzip_bytes"] / source["gzip_bytes"], 4)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True)
    except OSError as error:
        raise CompressionError(f"cannot write the compressed model into {folder.parent} "
                               f"({error.strerror or error}); choose a writable folder") from None
