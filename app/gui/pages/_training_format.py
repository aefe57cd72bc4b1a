"""Words and numbers for the Training page: pure functions, no widgets, easy to test."""

from __future__ import annotations

import math
from pathlib import Path

from app.core.config import RunConfig


def config_summary(config: RunConfig) -> str:
    """One line saying what Start would train, e.g. ``small_cnn on shapes · 20 epochs · ...``."""
    training = config.training
    parts = [f"<b>{config.model.architecture}</b> on <b>{Path(config.data.dataset).name}</b>",
             f"{training.epochs} epoch{'s' if training.epochs != 1 else ''}",
             f"batch {training.batch_size}",
             f"{training.optimizer} lr {training.lr:g}",
             f"device {config.runtime.device}"]
    if config.name:
        parts.insert(0, f"“{config.name}”")
    return " · ".join(parts)


def duration(seconds: float | None) -> str:
    """``45 s``, ``3 min 05 s``, ``2 h 10 min``; an em dash when unknown."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def byte_size(count: int | None) -> str:
    if not count:
        return "—"
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover - loop always returns


def parameter_count(total: int, trainable: int) -> str:
    text = f"{total:,}"
    if trainable != total:
        text += f" ({trainable:,} trainable)"
    return text


def rate(samples_per_second: float | None) -> str:
    if samples_per_second is None or not math.isfinite(samples_per_second):
        return "—"
    if samples_per_second >= 100:
        return f"{samples_per_second:,.0f} samples/s"
    return f"{samples_per_second:.1f} samples/s"
