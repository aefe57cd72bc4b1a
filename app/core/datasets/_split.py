"""Stratified, seeded train/val/test splits that never separate exact duplicates.

A message that occurs in both train and test makes test scores lie, so samples with the same
content hash move as one group. Shuffling uses ``random.Random(seed).random()``, whose output
Python guarantees across versions and machines, so a seed names the same split everywhere.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from app.core.datasets._records import Dataset
from app.core.errors import ConfigError


@dataclass(frozen=True)
class Split:
    """Sorted dataset sample indices for each part."""

    train: tuple[int, ...]
    val: tuple[int, ...]
    test: tuple[int, ...]


def split_dataset(dataset: Dataset, val_fraction: float, test_fraction: float,
                  seed: int) -> Split:
    """Split per class with ``round(n * fraction)`` samples for val and test.

    Every class keeps at least one training sample; duplicate groups are placed whole, so
    per-class sizes can differ from the rounded targets by less than one group.
    """
    _check_fractions(val_fraction, test_fraction)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ConfigError(f"the split seed must be an integer; got {seed!r}")
    rng = random.Random(seed)
    parts: dict[str, list[int]] = {"train": [], "val": [], "test": []}
    for groups in _groups_by_class(dataset).values():
        keys = [rng.random() for _ in groups]
        shuffled = [groups[i] for i in sorted(range(len(groups)), key=keys.__getitem__)]
        for name, members in _split_class(shuffled, val_fraction, test_fraction).items():
            parts[name] += members
    return Split(*(tuple(sorted(parts[name])) for name in ("train", "val", "test")))


def _check_fractions(val_fraction: float, test_fraction: float) -> None:
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not isinstance(value, int | float) or math.isnan(value) or not 0 <= value < 1:
            raise ConfigError(f"{name} must be a number in [0, 1); got {value!r}")
    if val_fraction + test_fraction >= 1:
        raise ConfigError(
            "val_fraction + test_fraction must be below 1 so that something is left to "
            f"train on; got {val_fraction} + {test_fraction}"
        )


def _groups_by_class(dataset: Dataset) -> dict[int, list[list[int]]]:
    """Duplicate groups (by content hash), each filed under its majority label."""
    members: dict[str, list[int]] = defaultdict(list)
    for index, content_hash in enumerate(dataset.content_hashes):
        members[content_hash].append(index)
    by_class: dict[int, list[list[int]]] = defaultdict(list)
    for group in members.values():
        votes = Counter(dataset.labels[i] for i in group)
        label = min(votes, key=lambda lab: (-votes[lab], lab))
        by_class[label].append(group)
    return dict(sorted(by_class.items()))


def _split_class(groups: list[list[int]], val_fraction: float,
                 test_fraction: float) -> dict[str, list[int]]:
    total = sum(map(len, groups))
    targets = {"test": round(total * test_fraction), "val": round(total * val_fraction)}
    while targets["test"] + targets["val"] > total - 1 and targets["test"] + targets["val"]:
        larger = "val" if targets["val"] >= targets["test"] else "test"
        targets[larger] -= 1
    placed: dict[str, list[list[int]]] = {"train": [], "val": [], "test": []}
    counts = {"val": 0, "test": 0}
    for group in groups:
        name = next((n for n in ("test", "val") if _closer(counts[n], len(group), targets[n])),
                    "train")
        placed[name].append(group)
        if name != "train":
            counts[name] += len(group)
    if not placed["train"]:
        donor = min(placed["val"] + placed["test"], key=len)
        source = "val" if donor in placed["val"] else "test"
        placed[source].remove(donor)
        placed["train"].append(donor)
    return {name: [i for g in gs for i in g] for name, gs in placed.items()}


def _closer(count: int, size: int, target: int) -> bool:
    """True when adding a group of ``size`` brings ``count`` nearer to ``target``."""
    return abs(count + size - target) < abs(count - target)
