"""Words for one derived model's row in the Deploy tab: its check and figures, side by side.

Reads the ``details`` the exporter (parity) and the compressor (source vs compressed figures)
record; a key that is missing shows as "—" rather than a made-up number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.core.catalog import ExportRecord

COLUMNS = ("Model", "Check", "Figures", "File size", "Latency b1 / b32", "Made", "File")
KIND_TITLES = {"onnx": "ONNX", "torch_export": "torch.export (.pt2)",
               "bundle": "Standalone bundle", "int8_dynamic": "int8 dynamic",
               "int8_static": "int8 static", "pruned": "Pruned"}


def size_text(size: Any) -> str:
    if not isinstance(size, int | float):
        return "—"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{int(size)} B"


def _percent(value: Any) -> str:
    return f"{100 * value:.2f} %" if isinstance(value, int | float) else "—"


def _times(value: Any) -> str:
    return f"×{value:.2f}" if isinstance(value, int | float) else "×—"


def _ms(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) else "—"


def parity_text(parity: Mapping[str, Any]) -> str:
    first, many = parity.get("batch_1", {}), parity.get("batch_n", {})
    return (f"parity: top-1 agreement {_percent(first.get('agreement'))} at batch 1, "
            f"{_percent(many.get('agreement'))} at batch {parity.get('batch_size', 'N')}; "
            f"max |Δp| {parity.get('max_abs_diff', float('nan')):.1e} (tolerance "
            f"{parity.get('tolerance', float('nan')):.0e}) on {parity.get('samples', '?')} "
            "test samples")


def comparison_text(details: Mapping[str, Any]) -> str:
    source, made = details.get("source", {}), details.get("compressed", {})
    deltas = details.get("deltas", {})
    points = deltas.get("accuracy_points")
    delta = f"{points:+.2f} points" if isinstance(points, int | float) else "—"
    return (f"test accuracy {_percent(made.get('accuracy'))} vs {_percent(source.get('accuracy'))}"
            f" for the float model ({delta}); agrees with it on "
            f"{_percent(deltas.get('top1_agreement'))} of the test samples")


def describe_export(record: ExportRecord,
                    others: Sequence[ExportRecord] = ()) -> tuple[str, ...]:
    """The row's cells in :data:`COLUMNS` order."""
    details = record.details
    title = KIND_TITLES.get(record.kind, record.kind)
    if record.source_export_id is not None and record.kind != "bundle":
        source = next((o for o in others if o.id == record.source_export_id), None)
        title += f" (from {KIND_TITLES.get(source.kind, source.kind)})" if source else ""
    check = {"passed": "passed", "failed": "FAILED", "unchecked": "not checked"}.get(
        record.status, record.status)
    latency = "—"
    size = size_text(record.size_bytes)
    if "compressed" in details:
        figures = comparison_text(details)
        made, source, ratios = details["compressed"], details.get("source", {}), \
            details.get("ratios", {})
        size += f" ({_times(ratios.get('size'))} of {size_text(source.get('size_bytes'))})"
        if record.kind == "pruned":
            size += (f"; gzip {size_text(made.get('gzip_bytes'))} "
                     f"({_times(ratios.get('gzip_size'))})")
        times = made.get("latency_ms", {})
        latency = (f"{_ms(times.get('1'))} / {_ms(times.get('32'))} ms "
                   f"({_times(ratios.get('latency_b1'))} / {_times(ratios.get('latency_b32'))})")
    elif "parity" in details:
        figures = parity_text(details["parity"])
        if details.get("opset"):
            figures += f"; opset {details['opset']}"
    else:
        figures = "no check recorded"
    if record.status == "failed" and details.get("status_rule"):
        figures += f" — needed: {details['status_rule']}"
    made_at = record.created_at.replace("T", " ")[:19]
    return (title, check, figures, size, latency, made_at, str(record.path))
