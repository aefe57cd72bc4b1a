"""Frozen backbone: an epoch on cached features vs running the backbone every epoch.

What it measures
    EfficientNet-Lite0 with its packaged weights and a frozen backbone (``train_layers =
    "head"``), trained by ModelDesk's ``Trainer`` two ways on the same images:
    baseline  the uint8 images, so every epoch (and every validation pass) runs the backbone;
    cached    the backbone's features computed once (``runs._features``), so each epoch
              trains the head on ``N×1280`` floats.
    Reported: the median time per epoch (training plus validation, from one epoch's end to
    the next) on each side, their ratio, the one-off cost of computing the features, and
    the epoch after which the cache has paid for itself.

How it stays fair
    * The same fresh model (same seed, same packaged weights) and the same batch order on
      both sides; frozen parts stay in eval mode, so both train the same head (the tests
      check that the heads agree).
    * The images are random uint8 pixels at 224 px: the cost does not depend on the content.
    * Torch threads pinned (default 1); sides alternate baseline, cached, baseline, ...;
      medians of the per-pair ratios.

Usage
    .venv/bin/python benchmarks/feature_cache.py [--train 256] [--val 64] [--epochs 3]
        [--pairs 3] [--threads 1] [--size 224]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from _common import Spread, alternate, machine_line

from app.core.config import RuntimeConfig, TrainingConfig
from app.core.datasets import ImagePreprocessing, PreparedData, TensorSplit
from app.core.engine import Callback, EpochEnd, Trainer
from app.core.palette import apply_train_layers, get_spec, load_packaged_weights
from app.core.runs._features import clear_feature_memory, with_cached_features


class EpochClock(Callback):
    """Seconds from one epoch's end to the next (training plus validation)."""

    def __init__(self) -> None:
        self.marks = [time.perf_counter()]

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.marks.append(time.perf_counter())

    def epochs(self) -> list[float]:
        return [b - a for a, b in zip(self.marks, self.marks[1:], strict=False)]


def make_data(train: int, val: int, size: int) -> PreparedData:
    generator = torch.Generator().manual_seed(0)

    def split(count: int, offset: int) -> TensorSplit:
        images = torch.randint(0, 256, (count, 3, size, size), dtype=torch.uint8,
                               generator=generator)
        labels = torch.arange(count) % 2
        return TensorSplit(images, labels, torch.arange(offset, offset + count))

    pre = ImagePreprocessing(size, 3, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
    return PreparedData("image", ("a", "b"), split(train, 0), split(val, train),
                        split(0, train + val), preprocessing=pre)


def fresh_model() -> torch.nn.Module:
    spec = get_spec("efficientnet_lite0")
    torch.manual_seed(0)
    model = spec.build(2, in_channels=3, image_size=224)
    load_packaged_weights(model, spec)
    apply_train_layers(model, spec, "head")
    return model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=int, default=256)
    parser.add_argument("--val", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--size", type=int, default=224)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(machine_line())
    data = make_data(args.train, args.val, args.size)
    training = TrainingConfig(epochs=args.epochs, batch_size=32, optimizer="adamw")
    runtime = RuntimeConfig(device="cpu", threads=args.threads, log_every=1000)
    compute_times: list[float] = []

    def run(cached: bool) -> float:
        model = fresh_model()
        chosen = data
        if cached:
            clear_feature_memory()
            started = time.perf_counter()
            chosen = with_cached_features(data, model, torch.device("cpu"), "bench", None).data
            compute_times.append(time.perf_counter() - started)
        clock = EpochClock()
        result = Trainer(training, runtime, chosen, model, callbacks=(clock,)).fit()
        assert result.status == "completed", result.message
        return statistics.median(clock.epochs())

    pairs = alternate(lambda: run(False), lambda: run(True), args.pairs, warmup=0,
                      report=lambda n, a, b: print(f"  pair {n}: backbone every epoch "
                                                   f"{a:.2f} s, cached {b:.3f} s"))
    baseline = Spread.of([a for a, _ in pairs])
    cached = Spread.of([b for _, b in pairs])
    ratio = Spread.of([a / b for a, b in pairs])
    compute = Spread.of(compute_times)
    print(f"\n{args.train} train + {args.val} val images at {args.size} px, batch 32, "
          f"{args.threads} thread(s), {args.epochs} epochs per run")
    print(f"epoch, backbone every epoch: {baseline.format('.2f', ' s')}")
    print(f"epoch, cached features:      {cached.format('.3f', ' s')}")
    print(f"epoch time ratio (backbone / cached): {ratio.format('.0f', 'x')}")
    break_even = compute.median / max(baseline.median - cached.median, 1e-9)
    print(f"computing the features once: {compute.format('.2f', ' s')}, the time saved in "
          f"{break_even:.2f} epochs: the cache has paid for itself after epoch "
          f"{max(1, int(break_even) + 1)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
