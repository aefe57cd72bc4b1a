"""The report tree's "Near duplicates" section: groups, their samples, and where each falls.

A group whose samples sit in train and in test (or val) "leaks into test": the test score
then measures memory, not generalisation. Those groups come first, marked; the others are
listed as "all in train" and so on, so the section also says what it found when nothing
leaks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidgetItem

from app.core.datasets import NearDuplicateGroup, NearLeak, Split, near_leaks

WARN = QColor("#B34700")
EXPANDED_LEAKS = 10  # the first groups spanning splits show their samples without a click
AddChild = Callable[[QTreeWidgetItem, str, str], QTreeWidgetItem]


def near_title(near: tuple[NearDuplicateGroup, ...] | None, split: Split | None) -> str:
    """The section's title: checking, how many groups, how many span splits."""
    if near is None:
        return "Near duplicates (checking…)"
    title = f"Near duplicates ({len(near):,} groups"
    if near and split is not None:
        leaking = sum(1 for leak in near_leaks(near, split) if leak.leaking)
        title += f", {leaking:,} spanning splits"
    return title + ")"


def fill_near_section(top: QTreeWidgetItem, near: tuple[NearDuplicateGroup, ...] | None,
                      split: Split | None, child: AddChild, max_listed: int,
                      texts: tuple[str, ...] | None = None) -> bool:
    """Add one child per group (its samples below it); True when a group spans splits.

    With ``texts`` (a text dataset), each sample shows its text after its line, so the
    person sees what matched, not only where."""
    if near is None:
        child(top, "Comparing every sample with the others…", "")
        return False
    if not near:
        child(top, "No near duplicates.", "different files that match once resized, "
              "re-encoded or normalised (case, spaces, punctuation)")
        return False
    leaks: tuple[NearLeak, ...] = (near_leaks(near, split) if split is not None else
                                   tuple(NearLeak(g, ("",) * len(g.indices)) for g in near))
    for position, leak in enumerate(leaks[:max_listed]):
        group = leak.group
        verdict = leak.verdict or "split not known"
        if group.conflicting:
            verdict += f" · labels conflict: {', '.join(sorted(set(group.labels)))}"
        item = child(top, f"{len(group.indices)} samples", verdict)
        if leak.leaking or group.conflicting:
            item.setForeground(1, QBrush(WARN))
        item.setExpanded(leak.leaking and position < EXPANDED_LEAKS)
        for index, source, label, part in zip(group.indices, group.sources, group.labels,
                                              leak.parts, strict=True):
            shown = f"{source}: {texts[index]}" if texts is not None else source
            child(item, shown, f"{label} · {part}" if part else label)
    if len(leaks) > max_listed:
        child(top, f"… and {len(leaks) - max_listed:,} more", "")
    return any(leak.leaking for leak in leaks)
