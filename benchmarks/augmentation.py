"""Augmentation cost: training throughput with augmentation on (medium) vs off.

What it measures
    Samples per second of one training epoch through ModelDesk's ``Trainer`` with
    ``augment = medium`` (flip, rotation, random resized crop and colour jitter, drawn per
    image) against the same epoch with ``augment = off``, for each (architecture, image size)
    case; by default small_cnn at 64 px and at 128 px. The augmenter's own time per batch is
    measured too, so its share of a step can be read off.

Why
    Augmentation runs on the training device inside the loop, on the cached uint8 batches
    (the decoded cache stays). It must cost little next to the model's forward and backward
    pass, or analysts will leave it off.

How it stays fair
    * Both sides train the same fresh model (same seed) on the same in-memory uint8 tensors,
      with the same batch order; only ``augment`` differs. No validation or test split, so
      the epoch is the timed work.
    * The images are random uint8 pixels: what the augmenter and the model cost does not
      depend on what the pixels show, and no dataset has to be decoded first.
    * Torch threads are pinned to the same number for both (default 1; on a shared 2-core
      box a second busy process makes 2 threads collapse).
    * One warm-up pair, then ``--pairs`` pairs run off, on, off, on ...; the result is the
      median per-pair ratio with its min and max, never one absolute time.

Usage
    .venv/bin/python benchmarks/augmentation.py [--cases small_cnn:64,small_cnn:128]
        [--train 512] [--pairs 5] [--threads 1] [--batch-size 64] [--device cpu]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's app first
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Spread, alternate, machine_line  # noqa: E402

from app.core.augment import PRESETS, BatchAugmenter  # noqa: E402
from app.core.config import RunConfig  # noqa: E402
from app.core.datasets import ImagePreprocessing, PreparedData, TensorSplit  # noqa: E402
from app.core.engine import Callback, EpochEnd, RunStarted, Trainer  # noqa: E402
from app.core.palette import get_spec  # noqa: E402

SEED = 0
CLASSES = 4


@dataclass(frozen=True)
class Case:
    model: str
    size: int


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default="small_cnn:64,small_cnn:128",
                        help="model:size pairs, comma-separated (small_cnn:64,small_cnn:128)")
    parser.add_argument("--train", type=int, default=512, help="training samples (512)")
    parser.add_argument("--pairs", type=int, default=5, help="recorded off/on pairs (5)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1)")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size (64)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (cpu)")
    args = parser.parse_args(argv)
    try:
        args.cases = [Case(name, int(size)) for name, size in
                      (item.split(":") for item in args.cases.split(","))]
    except ValueError:
        parser.error("--cases takes model:size pairs such as small_cnn:64,small_cnn:128")
    if args.train < 2 or args.pairs < 1 or args.threads < 1 or args.batch_size < 1:
        parser.error("--train must be at least 2; --pairs, --threads, --batch-size positive")
    return args


def build_data(size: int, count: int) -> PreparedData:
    generator = torch.Generator().manual_seed(SEED)
    images = torch.randint(0, 256, (count, 3, size, size), dtype=torch.uint8,
                           generator=generator)
    labels = torch.randint(0, CLASSES, (count,), generator=generator)
    empty = TensorSplit(images[:0], labels[:0], torch.arange(0))
    return PreparedData("image", tuple(f"c{i}" for i in range(CLASSES)),
                        TensorSplit(images, labels, torch.arange(count)), empty, empty,
                        ImagePreprocessing(size, 3, (0.5,) * 3, (0.25,) * 3))


class _EpochTime(Callback):
    """The epoch's wall seconds (the loop's own count) and this thread's CPU seconds from
    the run's start to the epoch's end (with one torch thread, all the arithmetic)."""

    seconds = cpu_seconds = 0.0

    def on_run_start(self, event: RunStarted) -> None:
        self._cpu = time.thread_time()

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.seconds = event.seconds
        self.cpu_seconds = time.thread_time() - self._cpu


@dataclass(frozen=True)
class Measurement:
    per_second: float  # samples per wall second of the epoch
    per_cpu_second: float  # samples per CPU second: steady while other processes load the box


def epoch(case: Case, data: PreparedData, args: argparse.Namespace,
          augment: str) -> Measurement:
    """Samples per second of one training epoch (the loop's own epoch time: the run's
    set-up and end are the same on both sides and would only dilute the ratio)."""
    config = RunConfig.from_mapping({
        "dataset": "random pixels", "model": case.model, "epochs": 1, "image_size": case.size,
        "batch_size": args.batch_size, "seed": SEED, "device": args.device,
        "threads": args.threads, "augment": augment, "log_every": 1000})
    spec = get_spec(case.model)
    torch.manual_seed(SEED)
    model = spec.build(CLASSES, in_channels=3, image_size=case.size,
                       **spec.options_with_defaults({}))
    timer = _EpochTime()
    result = Trainer(config.training, config.runtime, data, model, callbacks=(timer,)).fit()
    if result.status != "completed":
        raise RuntimeError(f"{case.model} at {case.size} px ended {result.status}: "
                           f"{result.message}")
    return Measurement(len(data.train) / timer.seconds, len(data.train) / timer.cpu_seconds)


def augmenter_ms(data: PreparedData, args: argparse.Namespace, steps: int = 20) -> Spread:
    """Milliseconds the medium augmenter takes per batch, alone."""
    augmenter = BatchAugmenter(PRESETS["medium"], SEED)
    batch = data.train.inputs[:args.batch_size].to(args.device)
    times = []
    for step in range(steps + 2):
        started = time.perf_counter()
        out = augmenter(batch, 1, step)
        if out.device.type == "cuda":
            torch.cuda.synchronize()
        if step >= 2:  # the first calls warm up
            times.append((time.perf_counter() - started) * 1000)
    return Spread.of(times)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    print("augmentation cost: one training epoch with augment = medium vs off")
    print(f"  {machine_line()}")
    print(f"  {args.train:,} samples, batch {args.batch_size}, device {args.device}, "
          f"torch threads {args.threads}; 1 warm-up pair, then {args.pairs} pairs off, on")
    results = []
    for case in args.cases:
        data = build_data(case.size, args.train)
        print(f"\n  {case.model} at {case.size} px: samples/s off, on, on/off; by CPU time")

        def report(number: int, off: Measurement, on: Measurement) -> None:
            print(f"  pair {number}: {off.per_second:>7,.1f} {on.per_second:>7,.1f} "
                  f"{on.per_second / off.per_second:>6.3f};  {off.per_cpu_second:>7,.1f} "
                  f"{on.per_cpu_second:>7,.1f} {on.per_cpu_second / off.per_cpu_second:>6.3f}",
                  flush=True)

        pairs = alternate(lambda: epoch(case, data, args, "off"),  # noqa: B023 - used now
                          lambda: epoch(case, data, args, "medium"),  # noqa: B023
                          args.pairs, report=report)
        results.append((case, pairs, augmenter_ms(data, args)))
    print()
    for case, pairs, alone in results:
        ratio = Spread.of([on.per_second / off.per_second for off, on in pairs])
        cpu_ratio = Spread.of([on.per_cpu_second / off.per_cpu_second for off, on in pairs])
        off = Spread.of([off.per_second for off, _ in pairs])
        on = Spread.of([on.per_second for _, on in pairs])
        step_ms = args.batch_size / Spread.of([o.per_cpu_second for o, _ in pairs]).median * 1000
        print(f"{case.model} {case.size} px: throughput on/off {ratio.format('.3f')}")
        print(f"  by CPU time {cpu_ratio.format('.3f')}")
        print(f"  off {off.format(',.1f', ' samples/s')}")
        print(f"  on  {on.format(',.1f', ' samples/s')}")
        print(f"  augmenter alone {alone.format('.2f', ' ms')} per batch of {args.batch_size} "
              f"(a step without it: {step_ms:.1f} ms of CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
