"""CPU latency of several models measured together, alternated, as medians.

The machine is shared and noisy, so one absolute time means little: every round runs each
model once per batch size, in a rotating order, after a warm-up; the figures are medians over
the rounds, and a ratio is the median of the per-round ratios (a burst of load from another
process then slows one round, not one side).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

Runner = Callable[[np.ndarray], object]
"""Runs one model on one batch of encoded inputs."""


def batch_of(inputs: np.ndarray, size: int) -> np.ndarray:
    """The first ``size`` inputs, repeated when there are fewer (a fixed, real batch)."""
    if len(inputs) == 0:
        raise ValueError("no inputs to time")
    repeats = -(-size // len(inputs))
    return np.ascontiguousarray(np.concatenate([inputs] * repeats)[:size])


def alternated_latency(runners: Mapping[str, Runner], inputs: np.ndarray, *,
                       batch_sizes: Sequence[int] = (1, 32), rounds: int = 30,
                       warmup: int = 3) -> dict[str, dict[int, list[float]]]:
    """Milliseconds per call: ``{name: {batch size: [one per round]}}``."""
    batches = {size: batch_of(inputs, size) for size in batch_sizes}
    names = list(runners)
    times: dict[str, dict[int, list[float]]] = {n: {s: [] for s in batch_sizes} for n in names}
    for number in range(warmup + rounds):
        order = names[number % len(names):] + names[:number % len(names)]
        for size, batch in batches.items():
            for name in order:
                started = time.perf_counter()
                runners[name](batch)
                elapsed = (time.perf_counter() - started) * 1000.0
                if number >= warmup:
                    times[name][size].append(elapsed)
    return times


def median_ms(times: Sequence[float]) -> float:
    return round(statistics.median(times), 4)


def ratio_of(times: Mapping[str, Mapping[int, Sequence[float]]], name: str, baseline: str,
             size: int) -> float:
    """Median of the per-round ratios ``name / baseline`` at one batch size."""
    pairs = zip(times[name][size], times[baseline][size], strict=True)
    return round(statistics.median(a / b for a, b in pairs if b > 0), 4)
