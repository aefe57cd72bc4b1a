"""``main.py --inspect``: the validation report plus what it cannot know at load time.

The report is fixed per load and stored with every run; the split per class and the near
duplicates need split settings and (for images) a look at every picture, so they are worked
out here, for the settings given or the run defaults, with the same ``split_dataset`` that
training calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.datasets._near import NearDuplicateGroup, near_duplicates
from app.core.datasets._records import Dataset
from app.core.datasets._split import split_dataset
from app.core.datasets._split_view import ClassSplit, NearLeak, near_leaks, split_by_class
from app.core.errors import ModelDeskError

MAX_LISTED_NEAR = 20


@dataclass(frozen=True)
class Inspection:
    """A dataset's report, its split per class (or why it cannot split) and near duplicates."""

    dataset: Dataset
    val_fraction: float
    test_fraction: float
    seed: int
    classes: tuple[ClassSplit, ...]
    near: tuple[NearDuplicateGroup, ...]
    leaks: tuple[NearLeak, ...]
    split_problem: str | None = None

    def settings(self) -> str:
        return (f"val_fraction {self.val_fraction:g}, test_fraction {self.test_fraction:g}, "
                f"seed {self.seed}")

    def to_dict(self) -> dict[str, Any]:
        """The report's dict with ``split`` and ``near_duplicates`` added (``--json``)."""
        data = self.dataset.report.to_dict()
        data["split"] = {
            "val_fraction": self.val_fraction, "test_fraction": self.test_fraction,
            "seed": self.seed, "problem": self.split_problem,
            "classes": {c.name: {"train": c.train, "val": c.val, "test": c.test}
                        for c in self.classes},
        }
        parts = {id(leak.group): leak for leak in self.leaks}
        data["near_duplicates"] = [
            {"sources": list(group.sources), "labels": list(group.labels),
             "splits": list(parts[id(group)].parts) if id(group) in parts else None,
             "verdict": parts[id(group)].verdict if id(group) in parts else None,
             "conflicting": group.conflicting}
            for group in self.near
        ]
        return data

    def format_text(self) -> str:
        """The report's text, then the split table and the near-duplicate groups."""
        lines = [self.dataset.report.format_text(), f"Split per class ({self.settings()}):"]
        if self.split_problem:
            lines.append(f"  cannot split: {self.split_problem}")
        else:
            width = max(len("class"), *(len(c.name) for c in self.classes))
            lines.append(f"  {'class':<{width}}  {'train':>7}  {'val':>7}  {'test':>7}")
            lines += [f"  {c.name:<{width}}  {c.train:>7,}  {c.val:>7,}  {c.test:>7,}"
                      for c in self.classes]
        lines += self._near_lines()
        return "\n".join(lines)

    def _near_lines(self) -> list[str]:
        if not self.near:
            return ["Near duplicates: none (different files that match once resized, "
                    "re-encoded or normalised)"]
        leaking = sum(1 for leak in self.leaks if leak.leaking)
        samples = sum(len(group.indices) for group in self.near)
        lines = [f"Near duplicates: {len(self.near)} groups ({samples} samples), {leaking} "
                 "spanning splits (exact copies are listed above and never split)"]
        for leak in self.leaks[:MAX_LISTED_NEAR]:
            members = ", ".join(f"{source} [{label}, {part}]" for source, label, part in
                                zip(leak.group.sources, leak.group.labels, leak.parts,
                                    strict=True))
            marker = f"  {leak.verdict.upper()}" if leak.leaking else ""
            lines.append(f"  {members}{marker}")
        if not self.leaks:  # no split: the groups alone
            lines += [f"  {', '.join(g.sources)}" for g in self.near[:MAX_LISTED_NEAR]]
        if len(self.near) > MAX_LISTED_NEAR:
            lines.append(f"  ... and {len(self.near) - MAX_LISTED_NEAR} more groups")
        return lines


def inspect_dataset(dataset: Dataset, val_fraction: float | None = None,
                    test_fraction: float | None = None,
                    seed: int | None = None) -> Inspection:
    """Split ``dataset`` as a run with these settings (run defaults where None) would."""
    from app.core.config import run_param

    val = run_param("val_fraction").default if val_fraction is None else val_fraction
    test = run_param("test_fraction").default if test_fraction is None else test_fraction
    seed = run_param("seed").default if seed is None else seed
    near = near_duplicates(dataset)
    try:
        split = split_dataset(dataset, val, test, seed)
    except ModelDeskError as error:
        return Inspection(dataset, val, test, seed, (), near, (), str(error))
    return Inspection(dataset, val, test, seed, split_by_class(dataset, split), near,
                      near_leaks(near, split))
