"""Turn what a kind-specific loader collected into a validated ``Dataset``.

Every loader (image folder, text folder, table) only finds candidates and skips; the rules
shared by all kinds (duplicates, small classes, "at least 2 classes") live here once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from app.core.datasets._hashing import fingerprint
from app.core.datasets._names import shown
from app.core.datasets._records import (
    Dataset,
    DuplicateGroup,
    Kind,
    SkippedSample,
    TableOptions,
)
from app.core.datasets._report import ValidationReport
from app.core.errors import DatasetError


@dataclass(frozen=True)
class Candidate:
    """One sample that passed the loader's checks; ``text`` or ``file`` is set by kind."""

    source: str
    label: str
    content_hash: str
    text: str | None = None
    file: Path | None = None
    gray: bool = False


@dataclass
class Collected:
    """What a loader saw. ``found`` counts every sample candidate, kept or skipped."""

    kind: Kind
    path: Path
    found: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[SkippedSample] = field(default_factory=list)
    class_folders: tuple[str, ...] = ()
    options: TableOptions = field(default_factory=TableOptions)

    def skip(self, source: str, reason: str) -> None:
        """Record a found sample that cannot be used."""
        self.found += 1
        self.skipped.append(SkippedSample(source, reason))

    def keep(self, candidate: Candidate) -> None:
        """Record a found sample that passed the loader's checks."""
        self.found += 1
        self.candidates.append(candidate)


def assemble(collected: Collected) -> Dataset:
    """Apply the shared rules; raise ``DatasetError`` when nothing trainable is left."""
    path = collected.path
    candidates = collected.candidates
    if not candidates:
        reasons = "; ".join(f"{s.source}: {s.reason}" for s in collected.skipped[:3])
        detail = f" ({reasons})" if reasons else ""
        raise DatasetError(
            f"nothing usable in {shown(path)}: all {collected.found} samples were skipped{detail}"
        )
    class_names = tuple(sorted({c.label for c in candidates}))
    if len(class_names) < 2:
        raise DatasetError(
            f"a classifier needs at least 2 classes; found only '{class_names[0]}' in {shown(path)}"
        )
    index = {name: i for i, name in enumerate(class_names)}
    counts = dict.fromkeys(class_names, 0)
    for candidate in candidates:
        counts[candidate.label] += 1
    empty_folders = set(collected.class_folders) - set(class_names)
    small = tuple(sorted({n for n, c in counts.items() if c < 2} | empty_folders))
    print_ = fingerprint((c.content_hash, c.label) for c in candidates)
    report = ValidationReport(
        kind=collected.kind,
        path=shown(path),
        found=collected.found,
        kept=len(candidates),
        skipped=tuple(collected.skipped),
        duplicates=_duplicate_groups(candidates),
        class_counts=counts,
        small_classes=small,
        fingerprint=print_,
    )
    is_image = collected.kind == "image"
    return Dataset(
        kind=collected.kind,
        path=path,
        class_names=class_names,
        labels=tuple(index[c.label] for c in candidates),
        sample_ids=tuple(c.source for c in candidates),
        content_hashes=tuple(c.content_hash for c in candidates),
        texts=None if is_image else tuple(c.text or "" for c in candidates),
        files=tuple(c.file for c in candidates if c.file is not None) if is_image else None,
        fingerprint=print_,
        report=report,
        options=collected.options,
    )


def _duplicate_groups(candidates: list[Candidate]) -> tuple[DuplicateGroup, ...]:
    """Groups of identical content, in order of first appearance."""
    members: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        members[candidate.content_hash].append(candidate)
    return tuple(
        DuplicateGroup(
            content_hash=content_hash,
            sources=tuple(c.source for c in group),
            labels=tuple(c.label for c in group),
        )
        for content_hash, group in members.items()
        if len(group) > 1
    )
