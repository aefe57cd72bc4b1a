"""Decoded cache: epochs from decoded images held in memory vs memory-mapped from a file.

What it measures
    A dataset whose decoded tensor exceeds the memory budget is decoded into a memory-mapped
    file beside the catalog instead of memory (``app/core/datasets/_decoded_store.py``). On
    generated photos (``--samples`` JPEGs and PNGs of 128-224 px, noisy gradients so they
    compress like photos, not like flat colour) decoded at ``--image-size``:

    first epoch  what the user pays once: ``prepare_data`` decoding into memory vs decoding
                 into the mapped file (write, flush, fsync, rename), alternated
                 (``--decode-pairs``); and a later run's ``prepare_data``: an in-process cache
                 hit vs mapping the finished file (a new process), channel statistics in both.
    epoch        one training epoch's data path, as the trainer draws it (shuffled batches
                 of 64, ``index_select``, ``to_model_input`` to normalised float), from the
                 in-memory split (a copied tensor) vs the mapped split (``Rows`` reading the
                 file's pages), after the first epoch, alternated A B A B (``--pairs``).

    No model runs, so the ratio is the data path's worst case: a real model's step adds the
    same time to both sides. Target: "the same speed class after the first epoch" (ratio
    mapped/memory well under 2).

Usage
    .venv/bin/python benchmarks/decoded_cache.py [--samples 2000] [--image-size 224]
        [--pairs 7] [--decode-pairs 2] [--threads 1] [--batch-size 64]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch
from _common import Spread, alternate, machine_line, timed

from app.core.datasets import (
    DecodedCache,
    PreparedData,
    Rows,
    clear_image_cache,
    decode_count,
    load_dataset,
    prepare_data,
    split_dataset,
)

SEED = 0
CLASSES = ("ants", "bees", "wasps", "flies")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=2000, help="generated images (2000)")
    parser.add_argument("--image-size", type=int, default=224, help="decoded size (224)")
    parser.add_argument("--pairs", type=int, default=7, help="recorded epoch pairs (7)")
    parser.add_argument("--decode-pairs", type=int, default=2,
                        help="recorded first-epoch (decode) pairs (2)")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size (64)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1)")
    args = parser.parse_args(argv)
    if args.samples < 8 or args.pairs < 1 or args.decode_pairs < 1 or args.image_size < 8:
        parser.error("need --samples >= 8, --image-size >= 8, --pairs and --decode-pairs >= 1")
    return args


def write_photos(root: Path, count: int) -> Path:
    """``root/<class>/NNNNN.jpg|png``: 128-224 px noisy gradients, 4 in 5 JPEG."""
    from PIL import Image

    rng = np.random.default_rng(SEED)
    for number in range(count):
        name = CLASSES[number % len(CLASSES)]
        side = int(rng.integers(128, 225))
        height = int(rng.integers(128, 225))
        y, x = np.mgrid[0:height, 0:side]
        base = np.stack([x * 255 // side, y * 255 // height, (x + y) * 127 // (side + height)],
                        axis=-1)
        noise = rng.integers(-40, 41, size=(height, side, 3))
        pixels = np.clip(base + noise + number % 50, 0, 255).astype(np.uint8)
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        image = Image.fromarray(pixels, mode="RGB")
        if number % 5:
            image.save(folder / f"{number:05d}.jpg", quality=90)
        else:
            image.save(folder / f"{number:05d}.png")
    return root


def epoch(data: PreparedData, batch_size: int, counter: list[int]) -> float:
    """One epoch as the trainer draws it; seconds."""
    inputs, labels = data.train.inputs, data.train.labels
    counter[0] += 1
    generator = torch.Generator().manual_seed(SEED * 1_000_003 + counter[0])

    def run() -> None:
        for index in torch.randperm(len(labels), generator=generator).split(batch_size):
            data.to_model_input(inputs.index_select(0, index))
            labels.index_select(0, index)

    return timed(run)[0]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    print("decoded cache: epochs from memory vs a memory-mapped file")
    print(f"  {machine_line()}")
    with tempfile.TemporaryDirectory(prefix="decoded-cache-") as tmp:
        work = Path(tmp)
        seconds, _ = timed(lambda: write_photos(work / "photos", args.samples))
        print(f"  wrote {args.samples} photos (128-224 px, 4/5 JPEG) in {seconds:.1f}s; "
              f"decoded at {args.image_size} px: "
              f"{args.samples * 3 * args.image_size ** 2 / 2**20:.0f} MB")
        dataset = load_dataset(work / "photos")
        split = split_dataset(dataset, 0.1, 0.1, SEED)
        folder = work / "cache"
        mapped_cache = DecodedCache(folder, budget_bytes=0)

        def prepare(cache: DecodedCache | None) -> tuple[float, PreparedData]:
            clear_image_cache()
            shutil.rmtree(folder, ignore_errors=True)
            return timed(lambda: prepare_data(dataset, split, image_size=args.image_size,
                                              decoded_cache=cache))

        decodes = alternate(lambda: prepare(None)[0], lambda: prepare(mapped_cache)[0],
                            args.decode_pairs, warmup=0)
        memory_first = Spread.of([a for a, _ in decodes])
        mapped_first = Spread.of([b for _, b in decodes])
        print(f"  first epoch (decode)  memory  {memory_first.format('.2f', ' s')}")
        print(f"  first epoch (decode)  mapped  {mapped_first.format('.2f', ' s')}  "
              f"ratio {mapped_first.median / memory_first.median:.2f}")

        memory = prepare(None)[1]
        hit_seconds = timed(lambda: prepare_data(dataset, split, image_size=args.image_size))[0]
        before = decode_count()
        prepare(mapped_cache)  # writes the file again
        clear_image_cache()
        reuse_seconds, mapped = timed(lambda: prepare_data(
            dataset, split, image_size=args.image_size, decoded_cache=mapped_cache))
        assert isinstance(mapped.train.inputs, Rows) and not isinstance(memory.train.inputs, Rows)
        assert torch.equal(mapped.train.inputs.to("cpu"), memory.train.inputs)
        print(f"  later run's prepare_data (channel stats included): in memory (cache hit) "
              f"{hit_seconds:.2f} s, mapping the file {reuse_seconds:.2f} s, "
              f"{decode_count() - before - args.samples} images decoded")

        counter = [0]
        pairs = alternate(lambda: epoch(memory, args.batch_size, counter),
                          lambda: epoch(mapped, args.batch_size, counter), args.pairs)
        ratios = Spread.of([b / a for a, b in pairs])
        print(f"  epoch  memory  {Spread.of([a for a, _ in pairs]).format('.3f', ' s')}")
        print(f"  epoch  mapped  {Spread.of([b for _, b in pairs]).format('.3f', ' s')}")
        print(f"  epoch ratio mapped/memory: {ratios.format('.2f')}")
        verdict = "same speed class" if ratios.median < 2 else "SLOWER CLASS"
        print(f"  verdict: {verdict} after the first epoch ({len(memory.train)} training "
              f"images, batch {args.batch_size}, {args.threads} thread(s))")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
