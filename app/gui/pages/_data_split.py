"""Split fractions and seed, bound to ``state.values``, with the counts they give.

Only valid combinations reach the state, so the Start button never sees a split that cannot
work; an invalid one is marked on the spin boxes and explained. Counts come from
``split_dataset`` itself (pure Python, milliseconds), so they are what training will use,
in total and per class (``ClassSplitTable``); ``split_changed`` hands the split (or None)
to the report, which names the part of each near duplicate.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.config import run_param
from app.core.datasets import Dataset, Split, split_by_class, split_dataset
from app.core.errors import ModelDeskError
from app.gui.pages._data_split_table import ClassSplitTable
from app.gui.state import AppState

INVALID_STYLE = "background: #FBE3D6;"
ERROR_STYLE = "color: #B34700;"


class SplitPanel(QWidget):
    split_changed = Signal(object)  # the Split now shown, or None

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.val = self._fraction_box("Share of each class held out to pick the best epoch")
        self.test = self._fraction_box("Share of each class held out for the final score")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("The same seed always gives the same split")
        self.counts = QLabel()
        self.counts.setObjectName("splitCounts")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.hide()
        self.table = ClassSplitTable()
        form = QFormLayout()
        form.addRow("Validation fraction:", self.val)
        form.addRow("Test fraction:", self.test)
        form.addRow("Seed:", self.seed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.counts)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)
        self.dataset: Dataset | None = None
        self.split: Split | None = None  # the split the shown counts come from
        self._on_values_changed()
        for box in (self.val, self.test):
            box.valueChanged.connect(self._on_edited)
        self.seed.valueChanged.connect(self._on_edited)
        state.values_changed.connect(self._on_values_changed)

    @staticmethod
    def _fraction_box(tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.0, 0.9)
        box.setSingleStep(0.05)
        box.setDecimals(2)
        box.setToolTip(tip)
        return box

    def set_dataset(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._show_counts()

    def fractions(self) -> tuple[float, float, int]:
        return round(self.val.value(), 4), round(self.test.value(), 4), self.seed.value()

    # ------------------------------------------------------------------------- handlers
    def _on_edited(self) -> None:
        val, test, seed = self.fractions()
        if self._problem(val, test) is None:
            self.state.update_values({"val_fraction": val, "test_fraction": test, "seed": seed})
        else:
            self._show_counts()

    def _on_values_changed(self) -> None:
        values = self.state.values
        for box, key, kind in ((self.val, "val_fraction", float),
                               (self.test, "test_fraction", float), (self.seed, "seed", int)):
            value = run_param(key).default
            with contextlib.suppress(TypeError, ValueError):
                value = kind(values.get(key, value))
            if box.value() != value:
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)
        self._show_counts()

    # -------------------------------------------------------------------------- display
    @staticmethod
    def _problem(val: float, test: float) -> str | None:
        if val + test >= 1:
            return (f"Validation + test = {val + test:.2f}: it must stay below 1 so that "
                    "something is left to train on. Lower one of them.")
        return None

    def _show_counts(self) -> None:
        val, test, seed = self.fractions()
        problem = self._problem(val, test)
        self.split = None
        for box in (self.val, self.test):
            box.setStyleSheet(INVALID_STYLE if problem else "")
        if problem is None and self.dataset is not None:
            try:
                split = split_dataset(self.dataset, val, test, seed)
            except ModelDeskError as error:
                problem = str(error)
            else:
                self.split = split
                self.counts.setText(f"train {len(split.train):,} · val {len(split.val):,} · "
                                    f"test {len(split.test):,}")
        if problem is not None or self.dataset is None:
            self.counts.setText("train – · val – · test –")
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None)
        self.table.show_rows(split_by_class(self.dataset, self.split)
                             if self.dataset is not None and self.split is not None else ())
        self.split_changed.emit(self.split)
