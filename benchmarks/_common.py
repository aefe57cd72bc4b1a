"""Helpers shared by the benchmark scripts: the real MNIST files, PNG folders, pair statistics.

The machines these run on are shared and noisy (the same loop has measured anywhere from 86 to
292 steps/s across runs), so a benchmark never reports one absolute time as its result. It
measures a baseline and the thing under test in the same process, alternating them
(A B A B ...), and reports the median of the per-pair ratios with their spread: a burst of
load from another process then slows one pair, not one side.

The datasets are the team's read-only offline copies (``/work/shared/datasets``, see its
README); benchmarks read them in place or write derived files to a temporary folder, never into
the repository.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
#: Where the shared datasets live unless ``--datasets`` or ``$MODELDESK_DATASETS`` says otherwise.
DEFAULT_DATASETS = Path(os.environ.get("MODELDESK_DATASETS", REPO.parent / "shared" / "datasets"))
MNIST_FOLDER = "mnist-t10k"
MNIST_IMAGES = "t10k-images-idx3-ubyte.gz"
MNIST_LABELS = "t10k-labels-idx1-ubyte.gz"
EXIT_NO_DATASET = 2


def add_dataset_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--datasets", type=Path, default=DEFAULT_DATASETS,
        help=f"folder holding {MNIST_FOLDER}/ (default: {DEFAULT_DATASETS}, "
             "or $MODELDESK_DATASETS)")


def mnist_folder(datasets: Path) -> Path:
    """The MNIST folder, or exit with status 2 and a message saying what is missing."""
    folder = Path(datasets) / MNIST_FOLDER
    missing = [name for name in (MNIST_IMAGES, MNIST_LABELS) if not (folder / name).is_file()]
    if missing:
        print(f"error: MNIST test set not found: {', '.join(str(folder / m) for m in missing)} "
              "missing. Point --datasets (or $MODELDESK_DATASETS) at the shared datasets folder "
              f"that holds {MNIST_FOLDER}/.", file=sys.stderr)
        sys.exit(EXIT_NO_DATASET)
    return folder


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (gzip) as a uint8 array shaped by its header (big-endian int32 sizes)."""
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic >> 8 != 0x08:  # 0x0000 08 NN: unsigned bytes, NN dimensions
        raise ValueError(f"{path} is not a uint8 IDX file (magic {magic:#010x})")
    dims = magic & 0xFF
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says {shape}, file holds {body.size} values")
    return body.reshape(shape)


def load_mnist(datasets: Path, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first ``limit`` (default all 10,000) MNIST test images ``N×28×28`` and labels."""
    folder = mnist_folder(datasets)
    images, labels = read_idx(folder / MNIST_IMAGES), read_idx(folder / MNIST_LABELS)
    if len(images) != len(labels):
        raise ValueError(f"{folder}: {len(images)} images but {len(labels)} labels")
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return images, labels


def write_png_folder(images: np.ndarray, labels: np.ndarray, root: Path) -> Path:
    """Write grayscale PNGs into ``root/<digit>/<index>.png`` (one sub-folder per class)."""
    from PIL import Image

    root = Path(root)
    for digit in sorted(set(labels.tolist())):
        (root / str(digit)).mkdir(parents=True, exist_ok=True)
    for index, (pixels, label) in enumerate(zip(images, labels, strict=True)):
        Image.fromarray(pixels, mode="L").save(root / str(int(label)) / f"{index:05d}.png")
    return root


# ----------------------------------------------------------------------------- statistics
@dataclass(frozen=True)
class Spread:
    """Median and range of repeated measurements."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("no measurements")
        return cls(statistics.median(values), min(values), max(values), len(values))

    def format(self, fmt: str = ".3f", unit: str = "") -> str:
        return (f"median {self.median:{fmt}}{unit} (min {self.low:{fmt}}{unit}, "
                f"max {self.high:{fmt}}{unit}, n={self.count})")


def alternate(side_a: Callable[[], Any], side_b: Callable[[], Any], pairs: int, *,
              warmup: int = 1, report: Callable[[int, Any, Any], None] | None = None,
              ) -> list[tuple[Any, Any]]:
    """Run ``A B A B ...``: ``warmup`` unrecorded pairs, then ``pairs`` recorded ones.

    Each side returns its measurement (a time, or a record holding one); ``report`` is called
    after each recorded pair so a long benchmark shows progress.
    """
    for _ in range(warmup):
        side_a()
        side_b()
    results = []
    for number in range(1, pairs + 1):
        a = side_a()
        b = side_b()
        results.append((a, b))
        if report is not None:
            report(number, a, b)
    return results


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Wall seconds of ``function()`` (``perf_counter``) and its result."""
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def machine_line() -> str:
    """One line naming what the numbers were measured on."""
    import platform

    import torch

    try:
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "load average unknown"
    return (f"python {platform.python_version()}, torch {torch.__version__}, "
            f"{os.cpu_count()} CPU(s), {load}")
