"""The validation report as a tree a person can read: what was skipped and why, duplicates,
classes too small to split, and a one-line summary above it.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.core.datasets import ValidationReport

MAX_LISTED = 2000  # more children than this only slow the tree down; the rest are counted
WARN = QColor("#B34700")


class ReportView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("No dataset open.")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def set_report(self, report: ValidationReport) -> None:
        self.summary.setText(
            f"found {report.found:,} · kept {report.kept:,} · skipped {len(report.skipped):,}")
        self.tree.clear()
        self._add_skipped(report)
        self._add_duplicates(report)
        self._add_small_classes(report)
        self.tree.resizeColumnToContents(0)

    def section(self, title_start: str) -> QTreeWidgetItem | None:
        """The top-level item whose text starts with ``title_start`` (e.g. "Skipped")."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.text(0).startswith(title_start):
                return item
        return None

    # ------------------------------------------------------------------------- sections
    def _add_skipped(self, report: ValidationReport) -> None:
        skipped = report.skipped
        top = self._top(f"Skipped ({len(skipped):,})", warn=bool(skipped))
        if not skipped:
            self._child(top, "Nothing was skipped.")
            return
        for sample in skipped[:MAX_LISTED]:
            self._child(top, sample.source, sample.reason)
        self._more(top, len(skipped))
        top.setExpanded(True)

    def _add_duplicates(self, report: ValidationReport) -> None:
        groups = report.duplicates
        conflicting = len(report.conflicting_duplicates)
        title = f"Duplicates ({len(groups):,} groups"
        title += f", {conflicting:,} with conflicting labels)" if conflicting else ")"
        top = self._top(title, warn=bool(conflicting))
        if not groups:
            self._child(top, "No exact duplicates.")
            return
        for group in groups[:MAX_LISTED]:
            labels = sorted(set(group.labels))
            verdict = (f"labels conflict: {', '.join(labels)}" if group.conflicting
                       else f"same label: {labels[0]}")
            item = self._child(top, f"{len(group.sources)} copies", verdict)
            if group.conflicting:
                item.setForeground(1, QBrush(WARN))
            for source, label in zip(group.sources, group.labels, strict=True):
                self._child(item, source, label)
        self._more(top, len(groups))
        top.setExpanded(bool(conflicting))

    def _add_small_classes(self, report: ValidationReport) -> None:
        small = report.small_classes
        top = self._top(f"Small classes ({len(small)})", warn=bool(small))
        if not small:
            self._child(top, "Every class has at least 2 samples.")
            return
        for name in small:
            count = report.class_counts.get(name, 0)
            self._child(top, name, f"{count} sample{'s' if count != 1 else ''}: "
                        "too few to split for validation")
        top.setExpanded(True)

    # -------------------------------------------------------------------------- helpers
    def _top(self, title: str, warn: bool) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        if warn:
            item.setForeground(0, QBrush(WARN))
        item.setFirstColumnSpanned(True)
        return item

    @staticmethod
    def _child(parent: QTreeWidgetItem, first: str, second: str = "") -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [first, second])
        item.setToolTip(0, first)
        item.setToolTip(1, second)
        return item

    def _more(self, top: QTreeWidgetItem, total: int) -> None:
        if total > MAX_LISTED:
            self._child(top, f"… and {total - MAX_LISTED:,} more")
