"""From scratch vs pretrained: test accuracy and time on real photos and real sentences.

What it measures
    Batch-mode runs (``main.py --batch``, a real catalog in a temporary folder, CPU) of:
    images   small_cnn and mobilenet_v3_small from scratch (their default settings);
             efficientnet_lite0 with its defaults (packaged ImageNet weights, frozen
             backbone, cached features, new head); fine-tuning its last 2 blocks and the
             whole network (lr 1e-4, ``--finetune-epochs``).
    texts    bag_of_embeddings, textcnn and transformer from scratch (defaults); minilm with
             its defaults (frozen all-MiniLM-L6-v2, cached embeddings, new head); fine-tuning
             its last block (lr 1e-4).
    Each row gives test accuracy, macro F1, the run's wall time and the run's share of the
    process time (dataset decoding and feature computation included in the first run that
    needs them). With ``--seeds N`` every default run is repeated on N splits and the median
    and range are printed (small photo sets have few test images).

Why
    Issue 9's targets, in batch mode with default settings on CPU: on an ants/bees set of
    about 400 photos efficientnet_lite0 >= 95 % test accuracy; on the 3,000 UCI sentiment
    sentences minilm >= 88 %.

Data
    ``--images``: a folder with one sub-folder per class (default: the shared
    hymenoptera-val-subset, 30 photos; pass the full ants/bees set for the target).
    ``--texts``: the sentiment-labelled-sentences folder (its three ``*_labelled.txt`` files
    are concatenated into one TSV) or any CSV/TSV. A missing dataset skips its half.

Usage
    .venv/bin/python benchmarks/transfer.py [--images DIR] [--texts DIR|FILE] [--seeds 1]
        [--finetune-epochs 8] [--skip-finetune] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import DEFAULT_DATASETS, REPO, machine_line

IMAGE_RUNS = [("small_cnn", "scratch", {}), ("mobilenet_v3_small", "scratch", {}),
              ("efficientnet_lite0", "pretrained, frozen (default)", {})]
TEXT_RUNS = [("bag_of_embeddings", "scratch", {}), ("textcnn", "scratch", {}),
             ("transformer", "scratch", {}), ("minilm", "pretrained, frozen (default)", {})]


def finetune_runs(model: str, epochs: int, blocks: int, whole: bool) -> list:
    last = (model, f"pretrained, last {blocks} block(s)",
            {"train_layers": "last_blocks", "trainable_blocks": blocks, "lr": 1e-4,
             "epochs": epochs})
    runs = [last]
    if whole:
        runs.append((model, "pretrained, all layers",
                     {"train_layers": "all", "lr": 1e-4, "epochs": epochs}))
    return runs


def sentiment_table(source: Path, work: Path) -> Path:
    """The three UCI files as one TSV with a header (the issue's 3,000 sentences)."""
    if source.is_file():
        return source
    rows = ["text\tlabel"]
    for file in sorted(source.glob("*_labelled.txt")):
        rows += [line.rstrip("\r") for line in file.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    table = work / "sentiment.tsv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return table


def toml_value(value: object) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value).lower() if isinstance(
        value, bool) else repr(value)


def experiments(dataset: Path, runs: list, seeds: int) -> list[dict]:
    chosen = []
    for model, mode, settings in runs:
        repeats = seeds if not settings else 1
        for seed in range(repeats):
            chosen.append({"name": f"{model} | {mode} | seed {seed}", "dataset": str(dataset),
                           "model": model, "seed": seed, "device": "cpu", **settings})
    return chosen


def run_batch(work: Path, label: str, chosen: list[dict]) -> tuple[list[dict], float]:
    toml = work / f"{label}.toml"
    lines = []
    for experiment in chosen:
        lines.append("[[experiment]]")
        lines += [f"{key} = {toml_value(value)}" for key, value in experiment.items()]
        lines.append("")
    toml.write_text("\n".join(lines), encoding="utf-8")
    summary = work / f"{label}.json"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(REPO / "main.py"), "--batch", str(toml),
                           "--catalog", str(work / "catalog.sqlite"), "--summary-json",
                           str(summary)], cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"batch failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    notes = [line.strip() for line in done.stdout.splitlines() if "note:" in line]
    for note in notes:
        print(f"    {note}")
    return json.loads(summary.read_text(encoding="utf-8"))["runs"], seconds


def report(title: str, records: list[dict], seconds: float) -> dict[str, float]:
    print(f"\n{title} (batch process {seconds:.0f} s)")
    print(f"  {'model':<20} {'start, layers':<30} {'runs':>4} {'test acc':>17} "
          f"{'macro F1':>8} {'run time':>9}")
    groups: dict[tuple[str, str], list[dict]] = {}
    for record in records:
        model, mode, _ = record["name"].split(" | ")
        groups.setdefault((model, mode), []).append(record)
    medians = {}
    for (model, mode), group in groups.items():
        accuracies = [r["test_accuracy"] or 0.0 for r in group]
        f1 = statistics.median(r["test_macro_f1"] or 0.0 for r in group)
        wall = statistics.median(r["wall_seconds"] for r in group)
        acc = statistics.median(accuracies)
        spread = f" ({min(accuracies):.1%}–{max(accuracies):.1%})" if len(group) > 1 else ""
        print(f"  {model:<20} {mode:<30} {len(group):>4} {acc:>7.1%}{spread:>10} {f1:>8.3f} "
              f"{wall:>8.1f}s")
        medians[f"{model} | {mode}"] = acc
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path,
                        default=DEFAULT_DATASETS / "hymenoptera-val-subset")
    parser.add_argument("--texts", type=Path,
                        default=DEFAULT_DATASETS / "sentiment-labelled-sentences")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--finetune-epochs", type=int, default=8)
    parser.add_argument("--skip-finetune", action="store_true")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    print(machine_line())
    work = args.work or Path(tempfile.mkdtemp(prefix="transfer-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    if args.images.is_dir():
        runs = IMAGE_RUNS + ([] if args.skip_finetune else finetune_runs(
            "efficientnet_lite0", args.finetune_epochs, 2, whole=True))
        records, seconds = run_batch(work, "images", experiments(args.images, runs,
                                                                 args.seeds))
        results.update(report(f"images: {args.images}", records, seconds))
        target = results.get("efficientnet_lite0 | pretrained, frozen (default)", 0.0)
        print(f"  target efficientnet_lite0 >= 95 %: {target:.1%} "
              f"({'met' if target >= 0.95 else 'NOT met'}; the target is for ~400 photos)")
    else:
        print(f"images: {args.images} not found, skipped")
    if args.texts.exists():
        table = sentiment_table(args.texts, work)
        runs = TEXT_RUNS + ([] if args.skip_finetune else finetune_runs(
            "minilm", max(1, args.finetune_epochs // 2), 1, whole=False))
        records, seconds = run_batch(work, "texts", experiments(table, runs, args.seeds))
        results.update(report(f"texts: {table}", records, seconds))
        target = results.get("minilm | pretrained, frozen (default)", 0.0)
        print(f"  target minilm >= 88 %: {target:.1%} ({'met' if target >= 0.88 else 'NOT met'})")
    else:
        print(f"texts: {args.texts} not found, skipped")
    print(f"\nwork folder (catalog, experiment files, summaries): {work}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
