"""Hyperparameter search: TPE + pruning vs random search vs the default settings, and the
search's own cost per trial, on real images and real sentences.

What it measures
    For each dataset, in one process and one catalog (a temporary folder, CPU):
    default   one run of the base model with its palette defaults (what you get without a
              search), its monitor set to ``val_accuracy`` as a trial's is;
    tpe       a search with TPE and the median pruner (``startup_trials = 4``,
              ``warmup_epochs = 2``, as in ``resources/samples/search.toml``);
    random    a search with random sampling and no pruner.
    Both searches get the same space, the same base settings, the same sampler seed and the
    same wall-time budget (``timeout``). Each side's best run is the one with the best
    *validation* accuracy (the study's best run); the table gives its validation accuracy and
    the test accuracy of that same run (selection never looks at the test split), with how many
    trials finished, were pruned or failed, and the time the side took.
    Overhead per trial, from the same searches: inside a trial, the trial's wall time (Optuna's
    start to end) minus its run's ``wall_seconds`` (the engine's ``fit``: epochs and the test
    pass) -- planning, data preparation, model building, catalog and pruner work; and around
    the engine, the whole ``run_search`` call minus the sum of its runs' ``wall_seconds``,
    divided by the trials (adds the loop between trials: asking the sampler, reading the
    journal, the catalog's best run).

Why
    Issue 10's acceptance: on the bundled image sample and on the UCI sentiment sentences,
    the best accuracy found by TPE + pruning vs random search vs the default settings at the
    same wall-time budget, and the search's overhead per trial (time outside training).

How it stays fair
    * The core API, not ``main.py --batch`` subprocesses: the experiments are real TOML files
      read by batch mode's own reader (``read_experiments``) and run through the same jobs
      (``SearchJob``/``TrainJob``), but in one process, so the timer wraps exactly the search
      (``run_search``), not interpreter start, imports and summary files, which the search's
      ``timeout`` does not count either and which would blur the overhead per trial.
    * The default run goes first: it warms what both searches share (the memoised dataset,
      the decoded-image cache beside the catalog, torch's first-call costs), so neither search
      pays them. The two searches then run back to back, in the opposite order on the second
      dataset (images: tpe, random; texts: random, tpe), so a drift in machine load does not
      always favour the same side. The load average and the share of a core each side got
      (process CPU time / wall time) are printed with it.
    * Every run uses ``threads`` (default 1) torch threads: on a shared 2-core machine a
      2-thread run collapses when another process takes a core, and that would swamp the
      difference between samplers.
    * Both searches seed their sampler alike, and TPE draws its startup trials at random: its
      first four trials are the random search's first four (common random numbers), so the
      sides part only where TPE starts modelling and the pruner starts judging.
    * Same split for every run (the experiment's seed; the space does not draw it), so all
      validation accuracies compare and every test accuracy is on the same test samples.
    * A search's ``timeout`` lets a started trial finish, so a side may overrun its budget by
      up to one trial: the table gives each side's actual time.
    * One search per side: a single draw of a stochastic process. The test splits are small
      (shapes: 120 images, one image = 0.8 points), so read differences of a point or two as
      noise; the "found" column says which trial was best and after how many seconds of
      trials it ended.

Data
    ``--images``: a folder with one sub-folder per class (default: the bundled
    ``resources/samples/shapes``). ``--texts``: the sentiment-labelled-sentences folder (its
    three ``*_labelled.txt`` files are concatenated into one TSV with a header) or a CSV/TSV.
    A missing dataset skips its half.

Usage
    .venv/bin/python benchmarks/search.py [--images DIR] [--texts DIR|FILE]
        [--image-budget 150] [--text-budget 120] [--threads 1] [--work DIR]
    About 10 minutes with the default budgets (587 s on a shared 2-core CPU, load ~1.3).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import DEFAULT_DATASETS, REPO, Spread, machine_line
from transfer import sentiment_table

from app.core.catalog import Catalog
from app.core.engine import Callback, RunStarted
from app.core.experiments import read_experiments
from app.core.search import search_summary

#: Per dataset: the default side's model, the searches' base settings and their space.
IMAGES = {"model": "small_cnn", "base": {"epochs": 8},
          "space": {"lr": {"low": 1e-4, "high": 1e-1, "log": True},
                    "batch_size": [16, 32, 64], "model": ["small_cnn", "lenet5"],
                    "model_options.dropout": {"low": 0.0, "high": 0.5},
                    "model_options.width": {"low": 8, "high": 32, "step": 8}}}
TEXTS = {"model": "bag_of_embeddings", "base": {"epochs": 10},
         "space": {"lr": {"low": 1e-4, "high": 3e-2, "log": True},
                   "batch_size": [16, 32, 64, 128],
                   "model": ["bag_of_embeddings", "textcnn", "transformer"],
                   "model_options.dropout": {"low": 0.0, "high": 0.6},
                   "model_options.embed_dim": {"low": 32, "high": 128, "step": 32}}}
SIDES = {"tpe": ("TPE + median pruner", {"sampler": "tpe", "pruner": "median",
                                         "startup_trials": 4, "warmup_epochs": 2}),
         "random": ("random, no pruner", {"sampler": "random", "pruner": "none"})}


@dataclass
class Side:
    label: str
    seconds: float
    cpu_share: float
    best_val: float | None
    best_test: float | None
    best_what: str
    found_at: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    inside: list[float] = field(default_factory=list)  # per trial: trial wall - run wall
    around: float | None = None  # (search wall - sum of run walls) / trials


class Sizes(Callback):
    """Remembers the split sizes the default run reports."""

    started: RunStarted | None = None

    def on_run_start(self, event: RunStarted) -> None:
        self.started = event


def toml_value(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, (str, list)) else repr(value)


def experiment_file(work: Path, label: str, dataset: Path, setup: dict, budget: float,
                    threads: int) -> Path:
    """The default run and both searches as one batch-mode experiment file."""
    common = {"dataset": str(dataset), "model": setup["model"], "seed": 0, "device": "cpu",
              "threads": threads}
    lines = ["[[experiment]]", f'name = "{label} default"',
             *(f"{k} = {toml_value(v)}" for k, v in common.items()),
             'monitor = "val_accuracy"', ""]
    for side, (_, settings) in SIDES.items():
        lines += ["[[experiment]]", f'name = "{label} {side}"',
                  *(f"{k} = {toml_value(v)}" for k, v in {**common, **setup["base"]}.items()),
                  "", "[experiment.search]", f"timeout = {budget}",
                  'metric = "val_accuracy"', "seed = 0",
                  *(f"{k} = {toml_value(v)}" for k, v in settings.items()),
                  "", "[experiment.search.space]",
                  *(f'"{k}" = {toml_value(v)}' for k, v in setup["space"].items()), ""]
    path = work / f"{label}.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def timed_job(run) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall = time.perf_counter() - wall
    return wall, (time.process_time() - cpu) / wall, result


def run_default(job, catalog: Catalog) -> tuple[Side, RunStarted | None]:
    sizes = Sizes()
    seconds, share, outcome = timed_job(lambda: job.run(catalog, callbacks=(sizes,)))
    record = catalog.get_run_record(outcome.run_id)
    side = Side("default settings", seconds, share, record.best_val_metric,
                record.test_accuracy, f"{record.model} ({job.config.training.epochs} epochs)",
                counts={outcome.status: 1})
    return side, sizes.started


def run_side(label: str, job, catalog: Catalog) -> Side:
    seconds, share, outcome = timed_job(lambda: job.run(catalog))
    summary = search_summary(catalog, outcome.study_id)
    side = Side(label, seconds, share, None, None, "-")
    run_walls = []
    for row in summary["trials"]:
        side.counts[row["status"]] = side.counts.get(row["status"], 0) + 1
        if row["run_id"] is None:
            continue
        wall = catalog.get_run_record(row["run_id"]).wall_seconds or 0.0
        run_walls.append(wall)
        if row["seconds"] is not None:
            side.inside.append(row["seconds"] - wall)
    if summary["trials"]:
        side.around = (seconds - sum(run_walls)) / len(summary["trials"])
    best = summary["best_run"]
    if best is not None:
        record = catalog.get_run_record(best["run_id"])
        side.best_val, side.best_test = record.best_val_metric, record.test_accuracy
        rows = summary["trials"]
        place = next(i for i, t in enumerate(rows) if t["run_id"] == best["run_id"])
        params = rows[place]["params"]
        after = sum(t["seconds"] or 0.0 for t in rows[:place + 1])
        side.best_what = ", ".join(f"{k.removeprefix('model_options.')}={_short(v)}"
                                   for k, v in params.items())
        side.found_at = f"{place + 1} of {len(rows)}, {after:.0f} s"
    return side


def _short(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def bench(label: str, dataset: Path, setup: dict, budget: float, order: list[str],
          threads: int, work: Path) -> None:
    path = experiment_file(work, label, dataset, setup, budget, threads)
    jobs = {e.config.name.removeprefix(f"{label} "): e.job for e in read_experiments(path)}
    catalog = Catalog(work / f"{label}.sqlite")
    print(f"\n{label}: {dataset}; each search {budget:.0f} s, order default, {', '.join(order)}")
    default, sizes = run_default(jobs["default"], catalog)
    if sizes is not None:
        print(f"  split: {sizes.train_samples} train, {sizes.val_samples} val, "
              f"{sizes.test_samples} test samples (seed 0, the same for every run)")
    sides = [default]
    for side in order:
        print(f"  {side} starts, {_load()}", flush=True)
        sides.append(run_side(SIDES[side][0], jobs[side], catalog))
    print(f"  {'side':<20} {'time':>6} {'core':>5} {'trials: done/pruned/failed':>27} "
          f"{'best val':>8} {'its test':>8}  {'found: trial, at':<16} best run's settings")
    for side in sides:
        done = side.counts.get("completed", 0)
        other = sum(side.counts.values()) - done - side.counts.get("pruned", 0)
        trials = f"{done}/{side.counts.get('pruned', 0)}/{other}"
        print(f"  {side.label:<20} {side.seconds:>5.0f}s {side.cpu_share:>5.2f} {trials:>27} "
              f"{_pct(side.best_val):>8} {_pct(side.best_test):>8}  {side.found_at:<16} "
              f"{side.best_what}")
    for side in sides[1:]:
        if side.inside:
            print(f"  overhead per trial, {side.label}: inside the trial "
                  f"{Spread.of(side.inside).format('.2f', ' s')}; around the engine "
                  f"{side.around:.2f} s")
    print(f"  after: {_load()}")


def _load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, default=REPO / "resources" / "samples" / "shapes")
    parser.add_argument("--texts", type=Path,
                        default=DEFAULT_DATASETS / "sentiment-labelled-sentences")
    parser.add_argument("--image-budget", type=float, default=150.0)
    parser.add_argument("--text-budget", type=float, default=120.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    print(machine_line())
    work = args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.images.is_dir():
        bench("images", args.images, IMAGES, args.image_budget, ["tpe", "random"],
              args.threads, work)
    else:
        print(f"images: {args.images} not found, skipped")
    if args.texts.exists():
        bench("texts", sentiment_table(args.texts, work), TEXTS, args.text_budget,
              ["random", "tpe"], args.threads, work)
    else:
        print(f"texts: {args.texts} not found, skipped")
    print(f"\nwhole benchmark {time.perf_counter() - started:.0f} s; "
          f"work folder (catalogs, experiment files): {work}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
