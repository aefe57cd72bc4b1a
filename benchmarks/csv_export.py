"""CSV export of 10,000 runs: the fixed columns only vs every setting and metric.

What it measures
    The synthetic catalog of ``catalog_scale.py`` (10 parameters, 10 classes: test metrics of
    about 150 JSON values a run), built with one epoch of history (export never reads it).
    Both sides start from the light rows the Catalog page reads (``page_runs(limit=None)``):
    fixed  ``export_runs_csv(rows, path)``: the 17 fixed columns (the export before every
           setting and metric was added);
    full   ``export_runs_csv(rows, path, catalog)``: the catalog read once more for config
           and test metrics, one column per key (about 85 columns).
    Reported: the median seconds of each side, their ratio, columns and file sizes. The page
    runs the export on the thread pool, so the window stays responsive either way.

How it stays fair
    Same rows, same folder, sides alternated (fixed, full, fixed, ...) after a warm-up pair;
    medians of the per-pair values (see ``_common``).

Usage
    .venv/bin/python benchmarks/csv_export.py [--runs 10000] [--pairs 5]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path

from _catalog_scale_data import Shape
from _common import Spread, alternate, machine_line
from catalog_scale import build_fast

from app.core.catalog import Catalog, export_runs_csv


def _timed(write: object) -> float:
    started = time.perf_counter()
    write()  # type: ignore[operator]
    return time.perf_counter() - started


def _columns(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return len(next(csv.reader(handle)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        build_fast(folder / "catalog.sqlite", Shape(runs=args.runs, epochs=1))
        catalog = Catalog(folder / "catalog.sqlite")
        rows = catalog.page_runs(limit=None).rows
        fixed, full = folder / "fixed.csv", folder / "full.csv"
        pairs = alternate(lambda: _timed(lambda: export_runs_csv(rows, fixed)),
                          lambda: _timed(lambda: export_runs_csv(rows, full, catalog)),
                          args.pairs)
        a, b = Spread.of([p[0] for p in pairs]), Spread.of([p[1] for p in pairs])
        ratio = statistics.median(p[1] / p[0] for p in pairs)
        print(machine_line())
        print(f"{len(rows)} runs")
        print(f"fixed columns: {a.median:.3f} s (range {a.low:.3f}-{a.high:.3f}), "
              f"{_columns(fixed)} columns, {fixed.stat().st_size / 1e6:.1f} MB")
        print(f"every column:  {b.median:.3f} s (range {b.low:.3f}-{b.high:.3f}), "
              f"{_columns(full)} columns, {full.stat().st_size / 1e6:.1f} MB")
        print(f"ratio (median of pairs): {ratio:.1f}x")
        catalog.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
