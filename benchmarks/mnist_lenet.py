"""MNIST with LeNet-5 through batch mode: test accuracy and wall time, end to end on CPU.

What it measures
    The whole user path, as a subprocess: the real MNIST test set (10,000 digits, or
    ``--samples``) written as a PNG folder (one sub-folder per digit) to a temporary folder,
    an experiment TOML beside it, and ``main.py --batch FILE --catalog TMP --summary-json TMP``
    run with this interpreter. It prints the test accuracy and wall seconds from the summary
    JSON, and the subprocess's own wall time (start-up, dataset load and decode included).

Why
    This is the acceptance check that the product trains a real architecture to a real
    accuracy: LeNet-5 must reach >= 97 % test accuracy on digits it never saw. The 10,000
    images are split 80/20 into train+val and test: ``test_fraction = 0.2`` holds out 2,000
    test digits and ``val_fraction = 0.1`` takes 1,000 of the remaining 8,000 for validation
    (picking the best epoch), leaving 7,000 to train on. That keeps the README's default
    split shares, and 80/20 is what the issue asked for.

The recipe (defaults)
    lenet5, 15 epochs, Adam, lr 1e-3 with a one-cycle schedule, batch 64, seed 0, device cpu;
    ``restore_best`` tests the weights of the epoch with the lowest validation loss.
    Measured on the shared 2-core box: seed 0 98.35 %, seed 1 97.55 %, seed 2 97.70 %. A
    higher peak (lr 3e-3) gave 98.70 / 96.90 / 97.90 %: on seed 1 the validation loss
    turned up early and the best-epoch rule tested epoch 5's weights, so the lower peak is
    the safer default. ``--seeds 0 1 2`` runs one experiment per seed (a grid) to check the
    margin. Accuracy is reported, never asserted.

Wall time is not a ratio here (there is no in-process baseline for "the product end to end");
read it as an indication for this machine only. Torch threads default to 1 (``--threads``;
0 leaves torch's default) so the time does not collapse when another process holds a core.

Usage
    .venv/bin/python benchmarks/mnist_lenet.py [--epochs 15] [--lr 1e-3]
        [--scheduler onecycle] [--seeds 0] [--samples 10000] [--threads 1] [--datasets PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, add_dataset_argument, load_mnist, machine_line, timed, write_png_folder

TARGET = 0.97


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=10_000, help="MNIST images (10000)")
    parser.add_argument("--epochs", type=int, default=15, help="epochs (15)")
    parser.add_argument("--lr", type=float, default=1e-3, help="learning rate (1e-3)")
    parser.add_argument("--scheduler", default="onecycle",
                        choices=("none", "step", "cosine", "onecycle", "plateau"),
                        help="learning-rate schedule (onecycle)")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size (64)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="one run per seed (0); several make a grid")
    parser.add_argument("--val-fraction", type=float, default=0.1, help="of all samples (0.1)")
    parser.add_argument("--test-fraction", type=float, default=0.2, help="of all samples (0.2)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads in the run (1; 0 = torch's default)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the PNGs, TOML, catalog and summary here and keep them")
    add_dataset_argument(parser)
    args = parser.parse_args(argv)
    if args.keep is not None and args.keep.resolve().is_relative_to(REPO):
        parser.error("--keep must be outside the repository (derived dataset files)")
    if not 100 <= args.samples <= 10_000 or args.epochs < 1 or args.threads < 0:
        parser.error("need 100 <= --samples <= 10000, --epochs >= 1 and --threads >= 0")
    return args


def experiment_toml(args: argparse.Namespace) -> str:
    lines = [
        "# Written by benchmarks/mnist_lenet.py",
        "[[experiment]]",
        'name = "mnist-lenet5"',
        'dataset = "mnist-png"',
        'model = "lenet5"',
        f"epochs = {args.epochs}",
        f"batch_size = {args.batch_size}",
        'optimizer = "adam"',
        f"lr = {args.lr!r}",
        f'scheduler = "{args.scheduler}"',
        f"val_fraction = {args.val_fraction!r}",
        f"test_fraction = {args.test_fraction!r}",
        'device = "cpu"',
    ]
    if args.threads:
        lines.append(f"threads = {args.threads}")
    if len(args.seeds) == 1:
        lines.append(f"seed = {args.seeds[0]}")
    else:
        lines += ["", "[experiment.grid]", f"seed = {list(args.seeds)}"]
    return "\n".join(lines) + "\n"


def run_batch(folder: Path, toml: Path) -> tuple[int, float]:
    """``main.py --batch`` as a subprocess, its output streamed indented; (exit code, wall s)."""
    command = [sys.executable, str(REPO / "main.py"), "--batch", str(toml),
               "--catalog", str(folder / "catalog.sqlite"),
               "--summary-json", str(folder / "summary.json")]
    print("  $ " + " ".join(command), flush=True)
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          cwd=REPO) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print("  | " + line.rstrip(), flush=True)
        code = process.wait()
    return code, time.perf_counter() - started


def run(args: argparse.Namespace, folder: Path) -> int:
    images, labels = load_mnist(args.datasets, args.samples)
    write_s, _ = timed(lambda: write_png_folder(images, labels, folder / "mnist-png"))
    toml = folder / "experiments.toml"
    toml.write_text(experiment_toml(args), encoding="utf-8")
    print(f"  wrote {len(labels):,} PNGs in {write_s:.1f}s and {toml}:")
    for line in toml.read_text(encoding="utf-8").splitlines()[1:]:
        print(f"    {line}")
    print(flush=True)
    code, wall = run_batch(folder, toml)
    summary_path = folder / "summary.json"
    if not summary_path.is_file():
        print(f"error: main.py exited {code} without writing {summary_path}", file=sys.stderr)
        return code or 1
    runs = json.loads(summary_path.read_text(encoding="utf-8"))["runs"]
    print()
    print(f"{'seed':>4}  {'status':<10} {'test acc':>8}  {'macro F1':>8}  {'best epoch':>10}  "
          f"{'run wall':>8}")
    for seed, record in zip(args.seeds, runs, strict=False):
        acc = record["test_accuracy"]
        print(f"{seed:>4}  {record['status']:<10} "
              f"{'-' if acc is None else f'{acc:.2%}':>8}  "
              f"{record['test_macro_f1'] or 0:>8.4f}  "
              f"{record['best_epoch']:>10}  {record['wall_seconds']:>7.1f}s")
    accuracies = [r["test_accuracy"] for r in runs if r["test_accuracy"] is not None]
    worst = min(accuracies) if accuracies else None
    print()
    if worst is not None:
        print(f"test accuracy (lowest of {len(accuracies)} run(s))  {worst:.2%}   "
              f"target >= {TARGET:.0%}: {'met' if worst >= TARGET else 'NOT met'}")
    print(f"training wall time (summary JSON)    "
          f"{sum(r['wall_seconds'] for r in runs):.1f}s over {len(runs)} run(s)")
    print(f"main.py wall time (subprocess)       {wall:.1f}s (start-up, load, decode, "
          "training, test, catalog)")
    print(f"main.py exit code                    {code}")
    return code


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print("mnist_lenet: LeNet-5 on the MNIST test set in batch mode, CPU")
    print(f"  {machine_line()}")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="modeldesk-bench-") as tmp:
        return run(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
