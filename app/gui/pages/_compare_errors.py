"""The error diff view: which test samples run B fixed and which it broke, relative to run A.

Shows an :class:`~app.core.analysis.ErrorDiff` (computed by the page in the background) as
counts and two sample grids; when the runs cannot be compared it shows the reason instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.analysis import ErrorDiff, SampleResult
from app.core.catalog import RunRecord
from app.gui.colors import run_color
from app.gui.widgets.sample_grid import SampleGrid, SampleItem

FIXED_COLOR = "#009E73"  # Okabe–Ito bluish green
BROKE_COLOR = "#D55E00"  # Okabe–Ito vermillion


@dataclass(frozen=True)
class ErrorDiffResult:
    """What the page's background task hands over: the diff plus A's own predictions
    (``index → (label, confidence)``), which the fixed samples' captions need."""

    diff: ErrorDiff
    run_a: RunRecord
    run_b: RunRecord
    a_predictions: Mapping[int, tuple[str, float]]


def sample_items(samples: Sequence[SampleResult], a_predictions: Mapping[int, tuple[str, float]],
                 color: str) -> list[SampleItem]:
    items = []
    for sample in samples:
        a_label, a_conf = a_predictions.get(sample.index, ("?", float("nan")))
        caption = f"{sample.true_label} → A {a_label} / B {sample.predicted_label}"
        tooltip = (f"{sample.sample_id}\ntrue: {sample.true_label}\n"
                   f"A predicted: {a_label} ({a_conf:.0%})\n"
                   f"B predicted: {sample.predicted_label} ({sample.confidence:.0%})")
        text = sample.text
        if sample.image_path is None and text is None:
            text = sample.sample_id  # the dataset is gone: at least say which sample
        # Long texts read better in black; the grid's title carries the colour then.
        highlight = color if sample.image_path is not None else None
        items.append(SampleItem(caption=caption, image_path=sample.image_path, text=text,
                                tooltip=tooltip, highlight=highlight))
    return items


def _run_chip(role: str, run: RunRecord, color: str) -> str:
    return (f"<b>{role}</b> <span style='color:{color}'>■</span> "
            f"<span style='color:{color}; font-weight:600'>#{run.id} {run.name}</span>")


class ErrorDiffView(QWidget):
    """Counts and two grids (fixed / broke); ``swap_requested`` asks the page to swap A and B."""

    swap_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: Mapping[int, str] = {}  # the comparison's colours (assign_colors)
        self.runs_label = QLabel()
        self.runs_label.setTextFormat(Qt.TextFormat.RichText)
        self.swap_button = QPushButton("⇄ Swap A and B")
        self.swap_button.setToolTip("Compare the other way round: A becomes B")
        self.swap_button.clicked.connect(self.swap_requested)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("errorDiffCounts")
        font = self.counts_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.counts_label.setFont(font)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.fixed_title, self.broke_title = QLabel(), QLabel()
        self.fixed_grid, self.broke_grid = SampleGrid(), SampleGrid()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        header = QHBoxLayout()
        header.addWidget(self.runs_label, 1)
        header.addWidget(self.swap_button)
        grids = QGridLayout()
        grids.addWidget(self.fixed_title, 0, 0)
        grids.addWidget(self.broke_title, 0, 1)
        grids.addWidget(self.fixed_grid, 1, 0)
        grids.addWidget(self.broke_grid, 1, 1)
        grids.setRowStretch(1, 1)
        diff_page = QWidget()
        diff_layout = QVBoxLayout(diff_page)
        diff_layout.setContentsMargins(0, 0, 0, 0)
        diff_layout.addWidget(self.counts_label)
        diff_layout.addWidget(self.note_label)
        diff_layout.addLayout(grids, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(diff_page)
        self.stack.addWidget(self.message_label)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        self.show_message("Check exactly two runs to see which test samples the second one "
                          "fixed and which it broke.")

    # ----------------------------------------------------------------------------- public
    def show_message(self, text: str, runs: Sequence[RunRecord] = ()) -> None:
        """No diff to show: a hint, "computing…", or why the two runs are not comparable."""
        self._show_runs(runs)
        self.message_label.setText(text)
        self.stack.setCurrentWidget(self.message_label)

    def show_result(self, result: ErrorDiffResult) -> None:
        diff = result.diff
        self._show_runs((result.run_a, result.run_b))
        if not diff.comparable:
            self.show_message(f"No error diff: {diff.reason}", (result.run_a, result.run_b))
            return
        self.counts_label.setText(
            f"B fixed {len(diff.fixed)} · B broke {len(diff.broke)} · "
            f"both wrong {diff.both_wrong} · both right {diff.both_right}")
        self.fixed_title.setText(f"<b style='color:{FIXED_COLOR}'>✓ Fixed by B</b> "
                                 f"({len(diff.fixed)}: wrong in A, right in B)")
        self.broke_title.setText(f"<b style='color:{BROKE_COLOR}'>✗ Broken by B</b> "
                                 f"({len(diff.broke)}: right in A, wrong in B)")
        missing = any(s.image_path is None and s.text is None for s in diff.fixed + diff.broke)
        self.note_label.setText("The dataset could not be reloaded, so samples are shown by "
                                "id only." if missing else "")
        self.note_label.setVisible(missing)
        self.fixed_grid.set_samples(sample_items(diff.fixed, result.a_predictions, FIXED_COLOR))
        self.broke_grid.set_samples(sample_items(diff.broke, result.a_predictions, BROKE_COLOR))
        self.stack.setCurrentIndex(0)

    def showing_diff(self) -> bool:
        return self.stack.currentWidget() is not self.message_label

    def _show_runs(self, runs: Sequence[RunRecord]) -> None:
        if len(runs) == 2:
            a, b = (_run_chip(role, run, self.colors.get(run.id) or run_color(run.id))
                    for role, run in zip("AB", runs, strict=True))
            self.runs_label.setText(f"{a} &nbsp;&nbsp;vs&nbsp;&nbsp; {b}")
        else:
            self.runs_label.setText("<b>Error diff</b>")
        self.swap_button.setEnabled(len(runs) == 2)
