"""The catalog at 10,000 runs × 10 parameters × 4 metrics × 100 epochs: core, window, MLflow.

What it measures
    1. Building: the synthetic catalog (``_catalog_scale_data``) goes in through the catalog's
       own write path in one transaction (``insert_points`` per epoch, in the order training
       writes them, so pages fill as they would); the API's write throughput is measured on
       ``--api-runs`` runs written the way training writes them (create, mark running, one
       ``log_metrics`` + ``update_progress`` per epoch, finish). The file size is measured,
       and the same runs are also written in the schema v3 layout for the size it had.
    2. Core reads, median of ``--repeats``: sorted first page, filtered page (a parameter and a
       metric threshold), tag and text search, one run with history, compare 10 runs × 4
       curves, count, delete; the window's read path (``page_runs`` light rows, keyset) is
       paired with today's (``list_runs`` records, LIMIT/OFFSET) in alternating pairs and the
       ratio printed (see ``_common.py`` for why).
    3. The real window offscreen (``_catalog_scale_gui``): open, sort, scroll to the end,
       filter, refresh after one run changes, select a run, compare 10, each with the longest
       stall of the GUI thread measured by a 5 ms probe timer.
    4. MLflow on the same data, when an interpreter with ``mlflow`` is given (``--mlflow-python``,
       default ``$MODELDESK_MLFLOW_PYTHON``, else this one if it imports mlflow): the same
       figures from MLflow's SQLite store (``_catalog_scale_mlflow``), and the ratios.

Every figure is printed beside the one the issue quotes as today's. Timings are never asserted
in tests; the machines are shared and noisy.

Run
    python benchmarks/catalog_scale.py                      # 10,000 runs
    python benchmarks/catalog_scale.py --runs 1000 --repeats 3 --no-window
    MODELDESK_MLFLOW_PYTHON=/tmp/mlflow-venv/bin/python python benchmarks/catalog_scale.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _catalog_scale_data import Shape, SyntheticRun, generate  # noqa: E402

from benchmarks._common import Spread, alternate, timed  # noqa: E402

TODAY = {  # the figures for "today" (schema v3, the window before this change)
    "first_page_ms": 30.7, "compare_10_ms": 12.1, "file_mb": 321.0, "scroll_s": 7.7,
    "refresh_s": 1.8, "blocking_ms": "60-260",
}
TARGETS = {"first_page_ms": 5.0, "file_mb": 200.0, "scroll_s": 1.0, "refresh_ms": 100.0,
           "blocking_ms": 50.0}
FILTERED = {"params": (("lr", "<", 0.01), ("optimizer", "=", "adam")),
            "metrics": (("test_accuracy", ">=", 0.9),)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--api-runs", type=int, default=100)
    parser.add_argument("--folder", type=Path, default=None,
                        help="keep the built catalogs here (default: a temporary folder)")
    parser.add_argument("--no-window", action="store_true", help="skip the window half")
    parser.add_argument("--no-v3", action="store_true", help="skip the v3-layout size")
    parser.add_argument("--mlflow-python", default=os.environ.get("MODELDESK_MLFLOW_PYTHON"))
    parser.add_argument("--mlflow-folder", type=Path, default=None,
                        help="where MLflow's store is built or reused (default: in --folder)")
    return parser.parse_args(argv)


# ------------------------------------------------------------------------------ building
def _iso(seconds: float) -> str:
    from app.core.catalog._metrics import micros_to_text

    return micros_to_text(int(seconds * 1_000_000))


def _run_row(run: SyntheticRun, dataset_id: int, uid: str) -> dict[str, Any]:
    from app.core.catalog._records import to_json

    val = run.series["val_accuracy"]
    metrics = run.test_metrics or {}
    return {
        "uid": uid, "name": run.name, "status": run.status, "model": run.model,
        "dataset_id": dataset_id, "config": to_json(run.config), "seed": run.index,
        "total_epochs": len(val), "environment": to_json(run.environment),
        "created_at": _iso(run.created_s), "started_at": _iso(run.created_s + 1),
        "finished_at": _iso(run.created_s + run.wall_seconds), "heartbeat_at": None,
        "wall_seconds": run.wall_seconds, "epochs_done": len(val), "pid": 1, "hostname": "h",
        "best_val_metric_name": "val_accuracy", "best_val_metric": max(val),
        "best_epoch": run.best_epoch, "final_train_loss": run.series["train_loss"][-1],
        "final_val_loss": run.series["val_loss"][-1], "final_val_accuracy": val[-1],
        "test_accuracy": metrics.get("accuracy"), "test_macro_f1": metrics.get("macro_f1"),
        "test_metrics": to_json(metrics) if metrics else None, "notes": run.notes,
        "health": run.health, "run_dir": uid, "message": "",
    }  # fmt: skip


def build_fast(path: Path, shape: Shape) -> float:
    """The catalog in one write transaction through the store's own encoding; seconds."""
    from app.core.catalog import Catalog
    from app.core.catalog._metrics import insert_points

    catalog = Catalog(path)
    names = [f"class_{n}" for n in range(shape.classes)]
    dataset_id = catalog.register_dataset("/data/synthetic", "image", "fp-synthetic", names,
                                          dict.fromkeys(names, 100), 100 * shape.classes)
    started = time.perf_counter()
    cache: dict[str, int] = {}
    with catalog._write() as db:
        for run in generate(shape):
            row = _run_row(run, dataset_id, f"{run.index:032x}")
            cursor = db.execute(f"INSERT INTO runs ({', '.join(row)}) VALUES "
                                f"({', '.join(':' + c for c in row)})", row)
            run_id = int(cursor.lastrowid or 0)
            for epoch in range(1, shape.epochs + 1):
                points = [(key, epoch, epoch, run.series[key][epoch - 1]) for key in shape.keys]
                cache.update(insert_points(db, run_id, points, cache))
            db.conn.executemany("INSERT INTO tags (run_id, tag) VALUES (?, ?)",
                                [(run_id, tag) for tag in run.tags])
    seconds = time.perf_counter() - started
    catalog.close()
    return seconds


def build_v3_layout(path: Path, shape: Shape) -> None:
    """The same runs in the v3 layout (text keys and timestamps), for the file size only."""
    from app.core.catalog._connection import transaction
    from app.core.catalog._schema import MIGRATIONS

    with transaction(path, write=True) as db:
        for number in range(3):
            MIGRATIONS[number](db)
        db.execute("PRAGMA user_version = 3")
        db.execute("INSERT INTO datasets (id, uid, path, kind, fingerprint, num_samples,"
                   " created_at) VALUES (1, 'd', '/data/synthetic', 'image', 'fp', 1, 'x')")
        for run in generate(shape):
            row = _run_row(run, 1, f"{run.index:032x}")
            for column in ("heartbeat_at", "health"):
                del row[column]
            run_id = db.execute(f"INSERT INTO runs ({', '.join(row)}) VALUES "
                                f"({', '.join(':' + c for c in row)})", row).lastrowid
            stamp = _iso(time.time())
            for epoch in range(1, shape.epochs + 1):
                db.conn.executemany("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)", [
                    (run_id, key, epoch, epoch, run.series[key][epoch - 1], stamp)
                    for key in shape.keys])  # fmt: skip


def file_mb(path: Path) -> float:
    """The file's size once its write-ahead log is merged into it."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size / 1e6


def api_throughput(path: Path, shape: Shape, runs: int) -> dict[str, float]:
    """Runs written through the public API the way training writes them."""
    from app.core.catalog import Catalog

    catalog = Catalog(path)
    dataset = catalog.register_dataset("/data/synthetic", "image", "fp", ["a"], {"a": 1}, 1)
    started = time.perf_counter()
    for run in generate(shape, 0, runs):
        run_id = catalog.create_run(name=run.name, model=run.model, dataset_id=dataset,
                                    config=run.config, seed=run.index, total_epochs=shape.epochs,
                                    environment=run.environment)
        catalog.mark_running(run_id, device="cpu", pid=os.getpid(), hostname="bench")
        for epoch in range(1, shape.epochs + 1):
            catalog.log_metrics(run_id, [(key, epoch, epoch, run.series[key][epoch - 1])
                                         for key in shape.keys])
            catalog.update_progress(run_id, epochs_done=epoch,
                                    final_val_accuracy=run.series["val_accuracy"][epoch - 1])
        catalog.finish_run(run_id, status=run.status, test_metrics=run.test_metrics,
                           wall_seconds=run.wall_seconds, health=run.health)
        catalog.set_tags(run_id, run.tags)
    seconds = time.perf_counter() - started
    catalog.close()
    points = runs * shape.epochs * len(shape.keys)
    size = path.stat().st_size
    for leftover in path.parent.glob(path.name + "*"):  # the file and its -wal/-shm: scratch
        leftover.unlink()
    return {"runs_per_s": runs / seconds, "epochs_per_s": runs * shape.epochs / seconds,
            "points_per_s": points / seconds, "bytes_per_point": size / points if points else 0.0}


# --------------------------------------------------------------------------- core reads
def _ms(function: Callable[[], Any]) -> float:
    return timed(function)[0] * 1000


def _pair(today: Callable[[], Any], now: Callable[[], Any], repeats: int) -> tuple[Spread, ...]:
    pairs = alternate(lambda: _ms(today), lambda: _ms(now), repeats)
    return (Spread.of([a for a, _ in pairs]), Spread.of([b for _, b in pairs]),
            Spread.of([a / b for a, b in pairs]))


def _scroll(catalog: Any, keyset: bool) -> None:
    after, offset = None, 0
    while True:
        if keyset:
            page = catalog.page_runs(sort="-test_accuracy", limit=200, after=after)
            after = page.next
            if after is None:
                return
        else:
            rows = catalog.list_runs(sort="-test_accuracy", limit=200, offset=offset)
            offset += len(rows)
            if len(rows) < 200:
                return


def core_figures(path: Path, repeats: int) -> dict[str, Any]:
    from app.core.catalog import Catalog, RunQuery

    catalog = Catalog(path)
    total = catalog.count_runs()
    ids = [row.id for row in catalog.page_runs(sort="id", limit=None).rows]
    ten = ids[:: max(1, len(ids) // 10)][:10]
    deep = catalog.page_runs(sort="-test_accuracy", limit=max(1, total - 200)).next
    filtered = RunQuery(**FILTERED)
    out: dict[str, Any] = {"runs": total}
    pairs = {
        "sorted first page (-test_accuracy, 200)": (
            lambda: catalog.list_runs(sort="-test_accuracy", limit=200),
            lambda: catalog.page_runs(sort="-test_accuracy", limit=200)),
        "first page (newest, 200)": (lambda: catalog.list_runs(limit=200),
                                     lambda: catalog.page_runs(limit=200)),
        "filtered page (lr<0.01, adam, test_acc>=0.9)": (
            lambda: catalog.list_runs(filtered, sort="-test_accuracy", limit=200),
            lambda: catalog.page_runs(filtered, sort="-test_accuracy", limit=200)),
        "tag search (paper)": (lambda: catalog.list_runs(tag="paper", limit=200),
                               lambda: catalog.page_runs(tag="paper", limit=200)),
        "text search (#4242)": (lambda: catalog.list_runs(text="#4242", limit=200),
                                lambda: catalog.page_runs(text="#4242", limit=200)),
        "chunk at the end (offset vs keyset)": (
            lambda: catalog.list_runs(sort="-test_accuracy", limit=200, offset=total - 200),
            lambda: catalog.page_runs(sort="-test_accuracy", limit=200, after=deep)),
        "one row re-read (all records vs run_row)": (
            lambda: catalog.list_runs(limit=None),
            lambda: (catalog.run_row(ids[0]), catalog.count_runs())),
    }
    for name, (today, now) in pairs.items():
        out[name] = _pair(today, now, repeats)
    out["scroll to the end, core (200-row chunks)"] = _pair(
        lambda: _scroll(catalog, False), lambda: _scroll(catalog, True), max(2, repeats // 3))
    single = {
        "one run with history": lambda: catalog.get_run(ids[len(ids) // 2]),
        "compare 10 runs × 4 curves": lambda: catalog.compare_runs(ten),
        "count (all)": catalog.count_runs,
        "count (filtered)": lambda: catalog.count_runs(filtered),
        "delete (trash 1 run + restore)": lambda: (catalog.trash_runs([ids[-1]]),
                                                   catalog.restore_runs([ids[-1]])),
    }
    for name, action in single.items():
        action()
        out[name] = Spread.of([_ms(action) for _ in range(repeats)])
    doomed = ids[-10:]
    catalog.trash_runs(doomed)
    out["empty trash (10 runs, 4,000 points)"] = Spread.of([_ms(catalog.empty_trash)])
    catalog.close()
    return out


def mlflow_figures(python: str, shape: Shape, folder: Path, repeats: int) -> dict | None:
    script = Path(__file__).with_name("_catalog_scale_mlflow.py")
    command = [python, str(script), "--shape", json.dumps(shape.to_dict()), "--folder",
               str(folder), "--repeats", str(repeats)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"MLflow half failed:\n{done.stderr[-2000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mlflow_python(given: str | None) -> str | None:
    if given:
        return given
    try:
        import mlflow  # noqa: F401
    except ImportError:
        return None
    return sys.executable


# ------------------------------------------------------------------------------ report
def report(args: argparse.Namespace, shape: Shape, folder: Path) -> int:
    path = folder / "catalog.sqlite"
    built = 0.0
    if not path.exists():
        built = build_fast(path, shape)
    size = file_mb(path)
    print(f"\n== Building ({shape.runs:,} runs × {shape.params} params × {len(shape.keys)} "
          f"metrics × {shape.epochs} epochs = {shape.runs * len(shape.keys) * shape.epochs:,} "
          "points)")
    if built:
        print(f"  fast path (one transaction, the store's encoding): {built:.1f} s")
    api = api_throughput(folder / f"api-{os.getpid()}.sqlite", shape, args.api_runs)
    print(f"  API write throughput ({args.api_runs} runs, per-epoch writes): "
          f"{api['runs_per_s']:.1f} runs/s, {api['epochs_per_s']:.0f} epoch writes/s "
          f"(log_metrics + update_progress), {api['points_per_s']:,.0f} points/s; "
          f"{api['bytes_per_point']:.1f} bytes/point in that file")
    per_point = size * 1e6 / (shape.runs * len(shape.keys) * shape.epochs)
    print(f"  file size: {size:.1f} MB ({per_point:.1f} bytes/point incl. runs)   today "
          f"{TODAY['file_mb']:.0f} MB   target ≤ "
          f"{TARGETS['file_mb']:.0f} MB")
    if not args.no_v3:
        v3 = folder / "catalog_v3.sqlite"
        if not v3.exists():
            build_v3_layout(v3, shape)
        print(f"  same runs in the v3 layout, built here: {file_mb(v3):.1f} MB")
    print(f"\n== Core reads (median of {args.repeats}; today = list_runs records/OFFSET, "
          "now = page_runs rows/keyset, alternating)")
    core = core_figures(path, args.repeats)
    for name, value in core.items():
        if isinstance(value, tuple):
            today, now, ratio = value
            print(f"  {name:46s} today {today.median:8.2f} ms   now {now.median:7.2f} ms   "
                  f"×{ratio.median:.1f} faster")
        elif isinstance(value, Spread):
            print(f"  {name:46s} {value.format('.2f', ' ms')}")
    first = core["sorted first page (-test_accuracy, 200)"][1].median
    compare = core["compare 10 runs × 4 curves"].median
    print(f"  quoted today: sorted first page {TODAY['first_page_ms']} ms (target < "
          f"{TARGETS['first_page_ms']} ms; now {first:.2f}), compare 10 {TODAY['compare_10_ms']}"
          f" ms (now {compare:.2f})")
    if not args.no_window:
        from _catalog_scale_gui import window_figures

        print("\n== The window (offscreen), longest GUI-thread stall per action (5 ms probe)")
        window_figures(path, args.repeats, TODAY, TARGETS)
    python = _mlflow_python(args.mlflow_python)
    if python is None:
        print("\n== MLflow: not importable here and no --mlflow-python given; skipped")
        return 0
    print(f"\n== MLflow ({python}), same data, its SQLite store built through its client")
    figures = mlflow_figures(python, shape, args.mlflow_folder or folder / "mlflow",
                             max(3, args.repeats // 2))
    if figures:
        ours = {"first_page_ms": first, "compare_10_ms": compare, "file_mb": size,
                "filtered_page_ms": core["filtered page (lr<0.01, adam, test_acc>=0.9)"][1].median,
                "tag_search_ms": core["tag search (paper)"][1].median,
                "text_search_ms": core["text search (#4242)"][1].median,
                "run_history_ms": core["one run with history"].median,
                "count_ms": core["count (all)"].median,
                "delete_ms": core["delete (trash 1 run + restore)"].median,
                "scroll_to_end_s": core["scroll to the end, core (200-row chunks)"][1].median / 1e3}
        for key, theirs in figures.items():
            mine = ours.get(key)
            ratio = f"   MLflow/ModelDesk ×{theirs / mine:.3g}" if mine else ""
            print(f"  {key:20s} MLflow {theirs:10.2f}" + (f"   ModelDesk {mine:9.2f}" if mine
                                                        else "") + ratio)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    shape = Shape(runs=args.runs)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="modeldesk-catalog-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    from benchmarks._common import machine_line

    print(machine_line())
    try:
        return report(args, shape, folder)
    finally:
        if args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
