"""The validation report every load produces: what was found, kept, skipped and why.

It is the user's answer to "what did ModelDesk make of my folder?": ``--inspect`` prints
``format_text()``, the catalog stores ``to_dict()`` next to each run, and batch mode prints
``summary_line()`` so skipped samples are never silent. Every name in it is printable
(``_names.printable``), so each of these survives a UTF-8 terminal, JSON and SQLite.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from dataclasses import dataclass
from typing import Any

from app.core.datasets._balance import ClassImbalance, class_imbalance
from app.core.datasets._records import DuplicateGroup, Kind, SkippedSample

MAX_LISTED_SKIPS = 50
MAX_LISTED_DUPLICATES = 5


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of validating one dataset. Invariant: ``kept + len(skipped) == found``."""

    kind: Kind
    path: str
    found: int
    kept: int
    skipped: tuple[SkippedSample, ...]
    duplicates: tuple[DuplicateGroup, ...]
    class_counts: dict[str, int]
    small_classes: tuple[str, ...]
    fingerprint: str

    @property
    def conflicting_duplicates(self) -> tuple[DuplicateGroup, ...]:
        """Duplicate groups whose copies carry different labels."""
        return tuple(group for group in self.duplicates if group.conflicting)

    @property
    def imbalance(self) -> ClassImbalance | None:
        """The largest vs the smallest class when their ratio reaches ``IMBALANCE_RATIO``."""
        return class_imbalance(self.class_counts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (plain str/int/list/dict only) for the catalog and exports."""
        return {
            "kind": self.kind,
            "path": self.path,
            "found": self.found,
            "kept": self.kept,
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "duplicates": [
                {
                    "content_hash": group.content_hash,
                    "sources": list(group.sources),
                    "labels": list(group.labels),
                    "conflicting": group.conflicting,
                }
                for group in self.duplicates
            ],
            "class_counts": dict(self.class_counts),
            "small_classes": list(self.small_classes),
            "imbalance": self.imbalance.to_dict() if self.imbalance else None,
            "fingerprint": self.fingerprint,
        }

    def summary_line(self, limit: int = 3) -> str:
        """``format_skipped_summary(self, limit)``: one line, or "" when nothing was skipped."""
        return format_skipped_summary(self, limit)

    def format_text(self) -> str:
        """A human-readable summary, as ``--inspect`` prints it."""
        lines = [
            f"Dataset: {self.path}",
            f"Kind: {self.kind}",
            f"Classes ({len(self.class_counts)}):",
        ]
        lines += [f"  {name}: {count}" for name, count in self.class_counts.items()]
        if self.imbalance is not None:
            lines.append(f"Warning: {self.imbalance.message()}")
        lines.append(
            f"Samples: {self.found} found, {self.kept} kept, {len(self.skipped)} skipped"
        )
        lines += _format_skipped(self.skipped)
        lines += _format_duplicates(self.duplicates)
        if self.small_classes:
            lines.append("Classes with fewer than 2 samples (cannot be split for validation):")
            lines += [
                f"  {name}: {self.class_counts.get(name, 0)}" for name in self.small_classes
            ]
        lines.append(f"Fingerprint: {self.fingerprint}")
        return "\n".join(lines)


def format_skipped_summary(report: ValidationReport, limit: int = 3) -> str:
    """One line saying how many samples were skipped, how many for each kind of reason, and
    the first ``limit`` of them, each reason in full (a clipped reason hides the part that
    says what to fix); "" when nothing was skipped.

    For example: ``skipped 3 of 120 files in /data/pets: 2 cannot decode image, 1 not a
    regular file (first: red/x.png: cannot decode image (…); …); main.py --inspect
    /data/pets lists them all``.
    """
    skipped = report.skipped
    if not skipped:
        return ""
    unit = "lines" if all(s.source.startswith("line ") for s in skipped) else "files"
    kinds = Counter(reason_category(s.reason) for s in skipped)
    ordered = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))
    counted = ", ".join(f"{count} {kind}" for kind, count in ordered)
    examples = "; ".join(f"{s.source}: {s.reason}" for s in skipped[:max(limit, 0)])
    if len(skipped) > limit > 0:
        examples += "; …"
    first = f" (first: {examples})" if examples else ""
    return (f"skipped {len(skipped)} of {report.found} {unit} in {report.path}: {counted}"
            f"{first}; main.py --inspect {shlex.quote(report.path)} lists them all")


def reason_category(reason: str) -> str:
    """The kind of a skip reason, without its details: "cannot decode image (OSError: …)"
    and "expected 2 fields, found 3" become "cannot decode image" and "expected 2 fields"."""
    return re.split(r" \(|, |; |: ", reason, maxsplit=1)[0].strip() or reason


def _format_skipped(skipped: tuple[SkippedSample, ...]) -> list[str]:
    if not skipped:
        return []
    lines = ["Skipped:"]
    lines += [f"  {s.source}: {s.reason}" for s in skipped[:MAX_LISTED_SKIPS]]
    if len(skipped) > MAX_LISTED_SKIPS:
        lines.append(f"  ... and {len(skipped) - MAX_LISTED_SKIPS} more")
    return lines


def _format_duplicates(groups: tuple[DuplicateGroup, ...]) -> list[str]:
    if not groups:
        return []
    copies = sum(len(group.sources) for group in groups)
    conflicting = sum(1 for group in groups if group.conflicting)
    lines = [
        f"Exact duplicates: {len(groups)} groups ({copies} samples), "
        f"{conflicting} with conflicting labels (kept; a group never straddles splits)"
    ]
    for group in groups[:MAX_LISTED_DUPLICATES]:
        marker = "  CONFLICTING LABELS" if group.conflicting else ""
        members = ", ".join(
            f"{source} [{label}]" for source, label in zip(group.sources, group.labels, strict=True)
        )
        lines.append(f"  {members}{marker}")
    if len(groups) > MAX_LISTED_DUPLICATES:
        lines.append(f"  ... and {len(groups) - MAX_LISTED_DUPLICATES} more groups")
    return lines
