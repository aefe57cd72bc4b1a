"""Planted label errors: a real dataset with a known share of its labels flipped.

The flips go through ``apply_label_changes`` (the same path a run's label changes take), so
the finder is scored on real files whose every wrong label is known.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.datasets import Dataset, apply_label_changes
from app.core.labels import LabelCheck

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO / "resources" / "samples"
SHARED = REPO / ".." / "shared" / "datasets"


@dataclass(frozen=True)
class Planted:
    dataset: Dataset
    flipped: frozenset[str]  # sample ids whose label was changed

    def score(self, result: LabelCheck) -> tuple[float, float]:
        """(precision, recall) of the finder's issues against the planted flips."""
        found = {issue.sample_id for issue in result.issues}
        hits = len(found & self.flipped)
        return hits / max(len(found), 1), hits / len(self.flipped)


def plant_errors(dataset: Dataset, fraction: float = 0.05, seed: int = 0) -> Planted:
    """``dataset`` with ``fraction`` of its samples given another (random) class."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(dataset)), round(len(dataset) * fraction))
    changes = {}
    for i in chosen:
        others = [c for c in dataset.class_names if c != dataset.class_names[dataset.labels[i]]]
        changes[dataset.sample_ids[i]] = rng.choice(others)
    return Planted(apply_label_changes(dataset, changes), frozenset(changes))



def shared(name: str) -> Path:
    """A dataset of ../shared/datasets; skips where it is absent."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is not here (it exists only beside the team's checkout)")
    return path.resolve()
