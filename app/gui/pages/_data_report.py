"""The validation report as a tree a person can read: what was skipped and why, duplicates,
near duplicates and the splits they fall in, classes too small to split, with a one-line
summary and the class-imbalance warning above it.

Every text wraps to its column (``wrapping_delegate``): a skip reason is shown whole at any
width, never elided. Near duplicates need every image looked at, so they are found on a
background pool when a dataset arrives; the split panel's ``split_changed`` says which part
each of their samples falls in.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.core.datasets import (
    Dataset,
    NearDuplicateGroup,
    Split,
    ValidationReport,
    near_duplicates,
)
from app.gui.pages._data_near import fill_near_section, near_title
from app.gui.widgets.wrapping_delegate import install
from app.gui.workers import PendingWork

MAX_LISTED = 2000  # more children than this only slow the tree down; the rest are counted
WARN = QColor("#B34700")
FIRST_COLUMN_SHARE = 0.45  # the source column never takes more of the width than this


class ReportView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("No dataset open.")
        self.summary.setWordWrap(True)
        self.imbalance = QLabel()
        self.imbalance.setObjectName("imbalanceWarning")
        self.imbalance.setWordWrap(True)
        self.imbalance.setStyleSheet(f"color: {WARN.name()};")
        self.imbalance.hide()
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setAlternatingRowColors(True)
        install(self.tree)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.imbalance)
        layout.addWidget(self.tree, 1)
        self.tree.setMinimumHeight(60)  # gives way to the summary and the warning
        self.work = PendingWork(self)  # the near-duplicate search not yet answered
        self.dataset: Dataset | None = None
        self.near: tuple[NearDuplicateGroup, ...] | None = None  # None: not known (yet)
        self.split: Split | None = None
        self._near_top: QTreeWidgetItem | None = None
        self._first_width = 0  # the widest text of the first column

    def set_dataset(self, dataset: Dataset) -> None:
        """Show ``dataset``'s report and look for its near duplicates in the background."""
        self.dataset, self.near = dataset, None
        self.set_report(dataset.report)
        self.work.start(lambda: near_duplicates(dataset),
                        lambda groups: self._on_near_found(dataset, groups),
                        lambda message: self._on_near_failed(dataset, message), heavy=True)

    def set_report(self, report: ValidationReport) -> None:
        self.summary.setText(
            f"found {report.found:,} · kept {report.kept:,} · skipped {len(report.skipped):,}")
        imbalance = report.imbalance
        self.imbalance.setText(f"⚠ {imbalance.message()}" if imbalance else "")
        self.imbalance.setVisible(imbalance is not None)
        self._fit_warning()
        self.tree.clear()
        self._add_skipped(report)
        self._add_duplicates(report)
        self._near_top = self._top(near_title(self.near, self.split), warn=False)
        self._show_near()
        self._add_small_classes(report)
        self._fit_first_column()

    def show_split(self, split: Split | None) -> None:
        """Name the part of each near duplicate under ``split`` (None: no valid split)."""
        self.split = split
        self._show_near()

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

    def _on_near_found(self, dataset: Dataset, groups: tuple[NearDuplicateGroup, ...]) -> None:
        if dataset is self.dataset:
            self.near = groups
            self._show_near()

    def _on_near_failed(self, dataset: Dataset, message: str) -> None:
        if dataset is self.dataset and self._near_top is not None:
            self._near_top.setText(0, f"Near duplicates: not checked ({message})")

    def _show_near(self) -> None:
        top = self._near_top
        if top is None:
            return
        top.takeChildren()
        top.setText(0, near_title(self.near, self.split))
        texts = self.dataset.texts if self.dataset is not None else None
        leaking = fill_near_section(top, self.near, self.split, self._child, MAX_LISTED, texts)
        top.setForeground(0, QBrush(WARN) if leaking else QBrush())
        top.setExpanded(leaking)
        self._fit_first_column()

    # -------------------------------------------------------------------------- helpers
    def _fit_first_column(self) -> None:
        """Sources as wide as the widest needs, up to a share of the width (then wrapped)."""
        metrics = QFontMetrics(self.tree.font())
        widest = 0
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            stack += [item.child(i) for i in range(item.childCount())]
            if item.parent() is not None and item.text(1):  # one-column notes do not count
                widest = max(widest, metrics.horizontalAdvance(item.text(0)))
        self._first_width = widest + 3 * self.tree.indentation() + 12
        self._apply_first_width()

    def _apply_first_width(self) -> None:
        room = int(self.tree.viewport().width() * FIRST_COLUMN_SHARE)
        self.tree.setColumnWidth(0, max(60, min(self._first_width, room)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._apply_first_width()
        self._fit_warning()

    def _fit_warning(self) -> None:
        """The warning keeps the height its wrapped text needs at this width (a splitter pane
        gives no height-for-width, so without this it was cut off); the tree gives way."""
        width = self.imbalance.width() or self.width()
        self.imbalance.setMinimumHeight(self.imbalance.heightForWidth(width)
                                        if self.imbalance.text() else 0)

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
