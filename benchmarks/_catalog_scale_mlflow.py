"""The MLflow half of ``catalog_scale.py``: the same synthetic runs in MLflow's SQLite store.

Runs in whatever interpreter has ``mlflow`` (never ModelDesk's own environment, whose packages
are shared): ``catalog_scale.py`` starts it as a subprocess with the shape of the data as JSON
and reads one JSON line of figures back. The store is built through MLflow's own client (one
``log_batch`` per run, its fastest path) and kept in ``--folder`` with a marker of the shape,
so a second benchmark run reuses it. MLflow params are strings, so the filtered page compares
``optimizer`` for equality on both sides (ModelDesk's numeric ``lr`` threshold has no MLflow
counterpart).

    python _catalog_scale_mlflow.py --shape '{"runs": 10000, ...}' --folder /tmp/mlflow-scale
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _catalog_scale_data import Shape, SyntheticRun, generate  # noqa: E402

_STATUS = {"completed": "FINISHED", "stopped": "KILLED", "failed": "FAILED",
           "diverged": "FAILED"}


def _flat(config: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in config.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


def _log(client, experiment: str, run: SyntheticRun) -> str:  # noqa: ANN001
    from mlflow.entities import Metric, Param, RunTag

    start_ms = int(run.created_s * 1000)
    created = client.create_run(experiment, start_time=start_ms, run_name=run.name,
                                tags={tag: "true" for tag in run.tags} | {"model": run.model})
    metrics = [Metric(key, value, start_ms + epoch * 1000, epoch)
               for key, values in run.series.items() for epoch, value in enumerate(values, 1)]
    if run.test_metrics:
        metrics += [Metric("test_accuracy", run.test_metrics["accuracy"], start_ms, 0),
                    Metric("test_macro_f1", run.test_metrics["macro_f1"], start_ms, 0)]
    params = [Param(key, value) for key, value in _flat(run.config).items()]
    tags = [RunTag("notes", run.notes)] if run.notes else []
    client.log_batch(created.info.run_id, metrics=metrics, params=params, tags=tags)
    client.set_terminated(created.info.run_id, _STATUS[run.status],
                          end_time=start_ms + int(run.wall_seconds * 1000))
    return created.info.run_id


def build(folder: Path, shape: Shape) -> tuple[object, str, float]:
    from mlflow.tracking import MlflowClient

    folder.mkdir(parents=True, exist_ok=True)
    marker, store = folder / "shape.json", folder / "mlflow.db"
    wanted = json.loads(json.dumps(shape.to_dict()))  # tuples as JSON reads them back
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        client = MlflowClient(tracking_uri=f"sqlite:///{store}")
        return client, client.get_experiment_by_name("scale").experiment_id, 0.0
    marker.unlink(missing_ok=True)
    store.unlink(missing_ok=True)  # MLflow caches its engine per URI: delete before opening
    client = MlflowClient(tracking_uri=f"sqlite:///{store}")
    experiment = client.create_experiment("scale")
    started = time.perf_counter()
    for run in generate(shape):
        _log(client, experiment, run)
        if run.index % 1000 == 999:
            print(f"mlflow: {run.index + 1} runs", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps(shape.to_dict()))
    return client, experiment, seconds


def _median_ms(action, repeats: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(folder: Path, shape: Shape, repeats: int, api_runs: int) -> dict[str, float]:
    client, experiment, build_s = build(folder, shape)
    ids = [run.info.run_id for run in client.search_runs(
        [experiment], order_by=["attributes.start_time ASC"], max_results=50_000)]
    order = ["metrics.test_accuracy DESC"]
    ten = ids[:: max(1, len(ids) // 10)][:10]
    keys = list(shape.keys)

    def history(run_id: str) -> None:
        client.get_run(run_id)
        for key in keys:
            client.get_metric_history(run_id, key)

    def page_through() -> None:
        token = None
        while True:
            page = client.search_runs([experiment], order_by=order, max_results=200,
                                      page_token=token)
            token = page.token
            if not token:
                return

    figures = {
        "first_page_ms": _median_ms(lambda: client.search_runs(
            [experiment], order_by=order, max_results=200), repeats),
        "filtered_page_ms": _median_ms(lambda: client.search_runs(
            [experiment], "params.optimizer = 'adam' and metrics.test_accuracy >= 0.9",
            order_by=order, max_results=200), repeats),
        "tag_search_ms": _median_ms(lambda: client.search_runs(
            [experiment], "tags.paper = 'true'", order_by=order, max_results=200), repeats),
        "text_search_ms": _median_ms(lambda: client.search_runs(
            [experiment], "attributes.run_name ILIKE '%#4242%'", max_results=200), repeats),
        "run_history_ms": _median_ms(lambda: history(ids[len(ids) // 2]), repeats),
        "compare_10_ms": _median_ms(lambda: [history(run_id) for run_id in ten], repeats),
        "count_ms": _median_ms(lambda: len(client.search_runs(
            [experiment], max_results=50_000)), max(1, repeats // 3)),
        "delete_ms": _median_ms(lambda: (client.delete_run(ids[-1]),
                                         client.restore_run(ids[-1])), repeats),
        "scroll_to_end_s": _median_ms(page_through, 1) / 1000,
        "file_mb": os.path.getsize(folder / "mlflow.db") / 1e6,
        "build_s": build_s,
    }
    figures.update(_write_throughput(folder, shape, api_runs))
    return figures


def _write_throughput(folder: Path, shape: Shape, runs: int) -> dict[str, float]:
    from mlflow.tracking import MlflowClient

    store = folder / f"writes-{os.getpid()}.db"
    store.unlink(missing_ok=True)
    client = MlflowClient(tracking_uri=f"sqlite:///{store}")
    experiment = client.create_experiment("writes")
    started = time.perf_counter()
    for run in generate(shape, 0, runs):
        _log(client, experiment, run)
    return {"api_runs_per_s": runs / (time.perf_counter() - started)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", required=True, help="Shape as JSON")
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--api-runs", type=int, default=50)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    shape = Shape.from_dict(json.loads(args.shape))
    if args.build_only:
        print(json.dumps({"build_s": build(args.folder, shape)[2]}))
        return 0
    print(json.dumps(measure(args.folder, shape, args.repeats, args.api_runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
