"""Class imbalance: say so when the largest class outnumbers the smallest.

SMS spam is 6.5 ham messages to 1 spam; a model that always answers "ham" scores 87 %
accuracy there, and nothing in the counts alone says that this is a trap. The report warns
once the ratio of the largest class to the smallest reaches ``IMBALANCE_RATIO`` and names
what to do about it: the run setting that weights classes or balances sampling when the
training config has one (``BALANCING_KEYS``), else more samples of the small class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IMBALANCE_RATIO = 3.0
"""Largest class / smallest class at or above which the report warns (3 : 1)."""

BALANCING_KEYS = ("class_weights", "class_weight", "balanced_sampling", "sampler")
"""Run settings that would counter an imbalance, looked up in the training config."""


@dataclass(frozen=True)
class ClassImbalance:
    """The largest and smallest class when their ratio reaches ``threshold``."""

    largest: str
    largest_count: int
    smallest: str
    smallest_count: int
    total: int
    threshold: float = IMBALANCE_RATIO

    @property
    def ratio(self) -> float:
        return self.largest_count / max(self.smallest_count, 1)

    @property
    def majority_share(self) -> float:
        """The accuracy of always answering the largest class."""
        return self.largest_count / max(self.total, 1)

    def message(self) -> str:
        """One line, e.g. "imbalanced: ham 4,825 vs spam 747 (6.5 : 1) — …"."""
        key = balancing_key()
        remedy = (f"consider class weights ({key}) or more {self.smallest} samples" if key
                  else f"consider more {self.smallest} samples (training has no class-weight "
                       "or balanced-sampling setting yet)")
        return (f"imbalanced: {self.largest} {self.largest_count:,} vs {self.smallest} "
                f"{self.smallest_count:,} ({self.ratio:.1f} : 1, warned from "
                f"{self.threshold:g} : 1) — {remedy}; always answering {self.largest} scores "
                f"{self.majority_share:.0%} accuracy, so judge runs by more than accuracy")

    def to_dict(self) -> dict[str, Any]:
        return {"largest": self.largest, "largest_count": self.largest_count,
                "smallest": self.smallest, "smallest_count": self.smallest_count,
                "ratio": round(self.ratio, 2), "threshold": self.threshold,
                "balancing_key": balancing_key(), "message": self.message()}


def class_imbalance(class_counts: dict[str, int],
                    threshold: float = IMBALANCE_RATIO) -> ClassImbalance | None:
    """The imbalance of ``class_counts`` when largest / smallest ≥ ``threshold``, else None.

    Classes without samples are left out (the report lists them as too small already); ties
    go to the first class in ``class_counts`` order, so the result is stable.
    """
    present = [(name, count) for name, count in class_counts.items() if count > 0]
    if len(present) < 2:
        return None
    largest = max(present, key=lambda item: item[1])
    smallest = min(present, key=lambda item: item[1])
    if largest[1] < threshold * smallest[1]:
        return None
    return ClassImbalance(largest[0], largest[1], smallest[0], smallest[1],
                          sum(count for _, count in present), threshold)


def balancing_key() -> str | None:
    """The first of ``BALANCING_KEYS`` that the run config has, or None."""
    from app.core.config import run_params

    names = {param.name for param in run_params()}
    return next((key for key in BALANCING_KEYS if key in names), None)
