"""The validation report every load produces: what was found, kept, skipped and why.

It is the user's answer to "what did ModelDesk make of my folder?": ``--inspect`` prints
``format_text()``, the catalog stores ``to_dict()`` next to each run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
            "fingerprint": self.fingerprint,
        }

    def format_text(self) -> str:
        """A human-readable summary, as ``--inspect`` prints it."""
        lines = [
            f"Dataset: {self.path}",
            f"Kind: {self.kind}",
            f"Classes ({len(self.class_counts)}):",
        ]
        lines += [f"  {name}: {count}" for name, count in self.class_counts.items()]
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
