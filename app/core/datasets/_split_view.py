"""What a split does to each class and to near duplicates, read off a ``Split``.

Nothing here splits: every function takes the ``Split`` that ``split_dataset`` returned for
the settings shown, the one training uses for the same fractions and seed, so a table here
can never disagree with a run.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.datasets._near import NearDuplicateGroup
from app.core.datasets._records import Dataset
from app.core.datasets._split import Split

PARTS = ("train", "val", "test")


@dataclass(frozen=True)
class ClassSplit:
    """One class's samples in each part."""

    name: str
    train: int
    val: int
    test: int

    @property
    def total(self) -> int:
        return self.train + self.val + self.test


@dataclass(frozen=True)
class NearLeak:
    """A near-duplicate group and the part each of its samples falls in."""

    group: NearDuplicateGroup
    parts: tuple[str, ...]

    @property
    def spans(self) -> tuple[str, ...]:
        """The parts the group touches, in train, val, test order."""
        return tuple(part for part in PARTS if part in self.parts)

    @property
    def verdict(self) -> str:
        """"leaks into test" (or val) when a copy of a training sample is held out."""
        spans = self.spans
        if len(spans) < 2:
            return f"all in {spans[0]}" if spans else ""
        if "train" in spans:
            return "leaks into " + " and ".join(p for p in spans if p != "train")
        return "spans val and test"

    @property
    def leaking(self) -> bool:
        return len(self.spans) > 1


def split_by_class(dataset: Dataset, split: Split) -> tuple[ClassSplit, ...]:
    """Per class (``class_names`` order): how many of its samples each part holds."""
    counts = {name: [0, 0, 0] for name in dataset.class_names}
    for column, indices in enumerate((split.train, split.val, split.test)):
        for index in indices:
            counts[dataset.class_names[dataset.labels[index]]][column] += 1
    return tuple(ClassSplit(name, *values) for name, values in counts.items())


def near_leaks(groups: tuple[NearDuplicateGroup, ...], split: Split) -> tuple[NearLeak, ...]:
    """Every group with its parts, the ones spanning parts first (in group order)."""
    part_of = {index: name for name, indices in zip(PARTS, (split.train, split.val, split.test),
                                                    strict=True) for index in indices}
    leaks = tuple(NearLeak(group, tuple(part_of.get(i, "") for i in group.indices))
                  for group in groups)
    return tuple(sorted(leaks, key=lambda leak: not leak.leaking))
