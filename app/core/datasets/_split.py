"""Stratified, seeded train/val/test splits that never separate exact duplicates.

A message that occurs in both train and test makes test scores lie, so samples with the same
content hash move as one group. Shuffling uses ``random.Random(seed).random()``, whose output
Python guarantees across versions and machines, so a seed names the same split everywhere.

Parts are sized per class, so classes too small to give a validation or test sample give
none. When that leaves no test sample although one was asked for (1,000 labels of one sample
each), the split is refused naming those classes: such a run has no result, yet it would train
and "complete". An empty validation part alone is allowed (tiny datasets; the engine then
monitors the training loss).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from app.core.datasets._names import shown
from app.core.datasets._records import Dataset
from app.core.errors import ConfigError, DatasetError

_LISTED_CLASSES = 5


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

    Raises:
        DatasetError: a fraction above 0 gives its part no sample at all because every
            class is too small; the message names the classes and what to change.
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
    _check_held_out(dataset, parts, val_fraction, test_fraction)
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
    targets = _targets(sum(map(len, groups)), val_fraction, test_fraction)
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


def _check_held_out(dataset: Dataset, parts: dict[str, list[int]], val_fraction: float,
                    test_fraction: float) -> None:
    asked = {"val": ("val_fraction", val_fraction, "validation"),
             "test": ("test_fraction", test_fraction, "test")}
    empty = [name for name, (_, fraction, _) in asked.items() if fraction > 0 and not parts[name]]
    if parts["test"] or not empty:
        return  # an empty validation part alone is allowed: the engine monitors train loss
    keys = " and ".join(f"{asked[n][0]} = {asked[n][1]}" for n in empty)
    what = " and no ".join(asked[n][2] for n in empty)
    counts = dataset.class_counts()
    first = list(counts.items())[:_LISTED_CLASSES]
    listed = ", ".join(f"'{name}' ({count})" for name, count in first)
    more = f", … and {len(counts) - _LISTED_CLASSES} more" if len(counts) > _LISTED_CLASSES else ""
    needed = max(_needed(n, val_fraction, test_fraction) for n in empty)
    raise DatasetError(
        f"{shown(dataset.path)}: {keys} leave{'s' if len(empty) == 1 else ''} no {what} "
        f"sample: all {len(counts)} classes are too small to give one (samples per class: "
        f"{listed}{more}; a class needs at least {needed}). Add samples, merge or drop the "
        f"small classes, or set {' and '.join(asked[n][0] + ' = 0' for n in empty)} to train "
        "without them")


def _needed(part: str, val_fraction: float, test_fraction: float) -> int:
    """The fewest samples a class needs for ``part`` to get one of them."""
    for total in range(2, 100_000):
        if _targets(total, val_fraction, test_fraction)[part] >= 1:
            return total
    return 100_000


def _targets(total: int, val_fraction: float, test_fraction: float) -> dict[str, int]:
    targets = {"test": round(total * test_fraction), "val": round(total * val_fraction)}
    while targets["test"] + targets["val"] > total - 1 and targets["test"] + targets["val"]:
        larger = "val" if targets["val"] >= targets["test"] else "test"
        targets[larger] -= 1
    return targets
