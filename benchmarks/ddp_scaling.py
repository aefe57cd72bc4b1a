"""Data-parallel scaling: training samples/s of one process vs two under torchrun, and a GPU.

What it measures
    Training throughput (samples per second of the training part of an epoch, validation
    excluded) of a bundled sample trained through the engine (``_ddp_worker.py``):

    one       a plain process: the single-device strategy, exactly batch mode without torchrun
    two       ``torchrun --standalone --nproc-per-node 2``: the data-parallel strategy, gloo,
              each process training half of every epoch, gradients all-reduced every step
    gpu       (only where CUDA is usable) one process on the GPU with mixed precision, against
              the same CPU run; peak GPU memory (``max_memory_allocated``) and the CPU run's
              peak resident memory; and two GPUs with NCCL where the machine has two

Why
    Issue 13 asks what data parallelism buys. On a machine of two cores shared with other
    work, two processes compete for the same cores and add a gradient all-reduce and a
    stop agreement every step, so little or no gain is expected there; the figure is
    reported as it comes out.

How it stays fair
    * Both sides run the same file values (sample, model, epochs, batch size per process,
      one thread per process, seed), each in a fresh launch; the first epoch (imports,
      warm-up) is left out, the median of the later epochs is the launch's figure.
    * Launches alternate one, two, one, two ... after one warm-up pair; the result is the
      median of the per-pair ratios with their range, never one absolute time.
    * ``batch_size`` is per process, so two processes take half the optimiser steps: samples
      per second is the comparable figure, steps per second is not.

Usage
    .venv/bin/python benchmarks/ddp_scaling.py [--sample shapes|topics] [--pairs 3]
        [--epochs 4] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from _common import Spread, machine_line

HERE = Path(__file__).resolve().parent
WORKER = HERE / "_ddp_worker.py"
TORCHRUN = Path(sys.executable).with_name("torchrun")


def launch(args: argparse.Namespace, *, processes: int = 0, device: str = "cpu",
           mixed_precision: bool = False) -> dict:
    """One training launch (``processes`` 0: a plain process); rank zero's result record."""
    prefix = ([str(TORCHRUN), "--standalone", f"--nproc-per-node={processes}"] if processes
              else [sys.executable])
    command = [*prefix, str(WORKER), "--sample", args.sample, "--epochs", str(args.epochs),
               "--batch-size", str(args.batch_size), "--device", device]
    if mixed_precision:
        command.append("--mixed-precision")
    done = subprocess.run(command, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.exit(f"launch failed ({' '.join(command)}):\n{done.stdout}\n{done.stderr[-3000:]}")
    result = json.loads(lines[0][len("RESULT "):])
    later = result["epoch_seconds"][1:] or result["epoch_seconds"]
    result["samples_per_second"] = result["train_samples"] / statistics.median(later)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", choices=("shapes", "topics"), default="shapes")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    if not TORCHRUN.exists():
        sys.exit(f"torchrun not found beside {sys.executable}")
    print(machine_line())
    print(f"sample {args.sample}, {args.epochs} epochs (first left out), batch "
          f"{args.batch_size} per process, 1 thread per process")

    launch(args)  # warm-up pair: file caches, compiled kernels, the page cache
    launch(args, processes=2)
    ones, twos, ratios = [], [], []
    for number in range(1, args.pairs + 1):
        one, two = launch(args), launch(args, processes=2)
        ones.append(one["samples_per_second"])
        twos.append(two["samples_per_second"])
        ratios.append(two["samples_per_second"] / one["samples_per_second"])
        print(f"  pair {number}: one {one['samples_per_second']:8.1f} samples/s "
              f"({one['device']}), two {two['samples_per_second']:8.1f} samples/s "
              f"({two['device']}), ratio {ratios[-1]:.2f}", flush=True)
    print(f"CPU one process : {Spread.of(ones).format('.1f', ' samples/s')}")
    print(f"CPU two (gloo)  : {Spread.of(twos).format('.1f', ' samples/s')}")
    print(f"two / one       : {Spread.of(ratios).format('.2f')}")
    _gpu(args, ones)
    return 0


def _gpu(args: argparse.Namespace, cpu_rates: list[float]) -> None:
    """One GPU with mixed precision vs the CPU process, and two GPUs where there are two."""
    import torch

    if not torch.cuda.is_available():
        print("GPU: no CUDA device usable here; GPU figures skipped")
        return
    gpu_rates, memory = [], []
    for _ in range(args.pairs):
        result = launch(args, device="cuda", mixed_precision=True)
        gpu_rates.append(result["samples_per_second"])
        memory.append(result["gpu_peak_bytes"] or 0)
    cpu = launch(args)
    print(f"GPU one, mixed precision ({result['device']}): "
          f"{Spread.of(gpu_rates).format('.1f', ' samples/s')}; "
          f"{statistics.median(gpu_rates) / statistics.median(cpu_rates):.1f}× the CPU process")
    print(f"memory: GPU peak allocated {max(memory) / 2**20:.1f} MiB; CPU process peak "
          f"resident {cpu['rss_peak_bytes'] / 2**20:.0f} MiB")
    if torch.cuda.device_count() >= 2:
        two = [launch(args, processes=2, device="cuda", mixed_precision=True)
               for _ in range(args.pairs)]
        rates = [r["samples_per_second"] for r in two]
        print(f"GPU two (nccl, {two[0]['device']}): {Spread.of(rates).format('.1f', ' samples/s')}"
              f"; {statistics.median(rates) / statistics.median(gpu_rates):.2f}× one GPU")


if __name__ == "__main__":
    sys.exit(main())
