"""Words for one derived model's row in the Deploy tab: its check and figures, side by side.

Reads the ``details`` the exporter (parity against PyTorch) and the compressor (source and
compressed figures) record; a key that is missing shows as "—" rather than a made-up number.
Each row also gets one sentence (the cells' tooltip) that says what was measured and, for a
failed check, the rule it missed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.core.catalog import ExportRecord

COLUMNS = ("Model", "Check", "Test accuracy", "Top-1 agreement", "Max |Δp|", "File size",
           "Latency b1", "Latency b32", "Made")
KIND_TITLES = {"onnx": "ONNX", "torch_export": "torch.export (.pt2)",
               "bundle": "Standalone bundle", "int8_dynamic": "int8 dynamic",
               "int8_static": "int8 static", "pruned": "Pruned"}
_NONE = "—"


def size_text(size: Any) -> str:
    if not isinstance(size, int | float):
        return _NONE
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{int(size)} B"


def _percent(value: Any) -> str:
    return f"{100 * value:.1f} %" if isinstance(value, int | float) else _NONE


def _ratio(value: Any) -> str:
    return f" (×{value:.2f})" if isinstance(value, int | float) else ""


def _ms(value: Any) -> str:
    return f"{value:.2f} ms" if isinstance(value, int | float) else _NONE


def _title(record: ExportRecord, others: Sequence[ExportRecord]) -> str:
    title = KIND_TITLES.get(record.kind, record.kind)
    source = next((o for o in others if o.id == record.source_export_id), None)
    if source is not None and record.kind != "bundle":
        title += f" (from {KIND_TITLES.get(source.kind, source.kind)})"
    return title


def _parity_cells(parity: Mapping[str, Any]) -> tuple[str, str, str]:
    first, many = parity.get("batch_1", {}), parity.get("batch_n", {})
    agreement = (f"{_percent(first.get('agreement'))} b1 · "
                 f"{_percent(many.get('agreement'))} b{parity.get('batch_size', 'N')}")
    diff, tolerance = parity.get("max_abs_diff"), parity.get("tolerance")
    max_diff = (f"{diff:.1e} (≤ {tolerance:.0e})" if isinstance(diff, int | float)
                and isinstance(tolerance, int | float) else _NONE)
    return "same as PyTorch" if parity.get("passed") else _NONE, agreement, max_diff


def _compressed_cells(details: Mapping[str, Any]) -> tuple[str, ...]:
    source, made = details.get("source", {}), details.get("compressed", {})
    ratios, deltas = details.get("ratios", {}), details.get("deltas", {})
    points = deltas.get("accuracy_points")
    change = f", {points:+.1f} pt" if isinstance(points, int | float) else ""
    accuracy = (f"{_percent(made.get('accuracy'))} (float {_percent(source.get('accuracy'))}"
                f"{change})")
    size = size_text(made.get("size_bytes")) + _ratio(ratios.get("size"))
    if "gzip_bytes" in made and details.get("method") == "pruned":
        size += f", gzip{_ratio(ratios.get('gzip_size'))}"
    times = made.get("latency_ms", {})
    return (accuracy, _percent(deltas.get("top1_agreement")) + " with float", _NONE, size,
            _ms(times.get("1")) + _ratio(ratios.get("latency_b1")),
            _ms(times.get("32")) + _ratio(ratios.get("latency_b32")))


def explain(record: ExportRecord) -> str:
    """One sentence for the row's tooltip and the tab's message."""
    details = record.details
    if "compressed" in details:
        measured = details.get("measurement", {})
        text = (f"Measured against the float ONNX model on {measured.get('test_samples', '?')} "
                f"test samples; latency is onnxruntime on the CPU with "
                f"{measured.get('threads', '?')} thread(s), median of "
                f"{measured.get('rounds', '?')} alternated rounds; ratios are compressed/float.")
    elif "parity" in details:
        parity = details["parity"]
        text = (f"Checked with onnxruntime against PyTorch on {parity.get('samples', '?')} test "
                f"samples at batch 1 and {parity.get('batch_size', 'N')}; opset "
                f"{details.get('opset', '?')}. Rule: {parity.get('rule', 'not recorded')}.")
    else:
        text = "No check was recorded for this file."
    if record.status == "failed" and details.get("status_rule"):
        text += f" FAILED — needed: {details['status_rule']}."
    return f"{text}\n{record.path}"


def describe_export(record: ExportRecord,
                    others: Sequence[ExportRecord] = ()) -> tuple[str, ...]:
    """The row's cells in :data:`COLUMNS` order."""
    details = record.details
    check = {"passed": "passed", "failed": "FAILED", "unchecked": "not checked"}.get(
        record.status, record.status)
    if "compressed" in details:
        figures = _compressed_cells(details)
    else:
        parity = _parity_cells(details["parity"]) if "parity" in details else (_NONE,) * 3
        figures = (*parity, size_text(record.size_bytes), _NONE, _NONE)
    made_at = record.created_at.replace("T", " ")[:16]
    return (_title(record, others), check, *figures, made_at)
