"""Robust y ranges for overlaid runs: one diverged run must not squash all the others.

A plain auto range spans every value, so a run whose loss went to 1e18 flattens the curves of
the healthy runs onto the x axis. ``robust_y_range`` spans what the typical runs reach: each
run's own top 2 % of values is ignored (a single spike), and a run whose remaining top lies more
than ``OUTLIER_FACTOR`` times above the lower median of all runs' tops is left out of the range
(it is still drawn, running off the top). Pure numpy, no Qt: the rule is tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

TOP_QUANTILE = 0.98  # a run's top 2 % of values (one spike) does not widen the range
OUTLIER_FACTOR = 10.0  # a run's top this many times above the typical run's is an outlier


def robust_y_range(values: Mapping[int, np.ndarray], *, log: bool = False,
                   ) -> tuple[tuple[float, float] | None, list[int]]:
    """The (low, high) y range covering the typical runs, and the runs left outside it.

    ``values``: each run's y values (NaN allowed). ``log``: only positive values count and the
    outlier test compares orders of magnitude. ``None`` when no run has a usable value.
    """
    finite = {}
    for run_id, ys in values.items():
        ys = np.asarray(ys, dtype=float)
        ys = ys[np.isfinite(ys) & (ys > 0)] if log else ys[np.isfinite(ys)]
        if len(ys):
            finite[run_id] = ys
    if not finite:
        return None, []
    tops = {run_id: float(np.quantile(ys, TOP_QUANTILE)) for run_id, ys in finite.items()}
    ordered = sorted(tops.values())
    typical = ordered[(len(ordered) - 1) // 2]  # lower median: with two runs, the better one
    scale = max(abs(typical), np.finfo(float).tiny)
    outliers = [run_id for run_id, top in tops.items()
                if len(tops) > 1 and top - typical > (OUTLIER_FACTOR - 1) * scale]
    kept = [ys for run_id, ys in finite.items() if run_id not in outliers]
    low = min(float(ys.min()) for ys in kept)
    high = max(tops[run_id] for run_id in finite if run_id not in outliers)
    if high <= low:
        high = low + (abs(low) or 1.0)
    return (low, high), outliers
