"""The Try it page's answer: the top-k classes, most probable first, with probability bars."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.inference import ClassScore
from app.gui.colors import series_color
from app.gui.layouts import empty_layout

BAR_STEPS = 1000
ERROR_COLOR = "#D55E00"
_BAR_STYLE = (
    "QProgressBar {{ border: 1px solid #bbb; border-radius: 3px; background: #f2f2f2; }}"
    "QProgressBar::chunk {{ background-color: {color}; border-radius: 2px; }}"
)


class PredictionView(QWidget):
    """Shows ``ClassScore`` rows, or a hint, or an error, in place (never a dialog)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>Prediction</b>")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rows = QWidget()
        self.grid = QGridLayout(self.rows)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.rows)
        layout.addStretch(1)
        self._scores: tuple[ClassScore, ...] = ()
        self.show_hint("")

    # ----------------------------------------------------------------------------- public
    def show_scores(self, scores: Sequence[ClassScore]) -> None:
        self._scores = tuple(scores)
        self._clear_rows()
        for row, score in enumerate(self._scores):
            name = QLabel(score.class_name)
            name.setToolTip(score.class_name)
            name.setMinimumWidth(90)
            bar = QProgressBar()
            bar.setRange(0, BAR_STEPS)
            bar.setValue(round(score.probability * BAR_STEPS))
            bar.setTextVisible(False)
            bar.setFixedHeight(18)
            bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            color = series_color(0) if row == 0 else "#8DB8D8"
            bar.setStyleSheet(_BAR_STYLE.format(color=color))
            percent = QLabel(f"{score.probability:.1%}")
            percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            percent.setMinimumWidth(54)
            if row == 0:
                for label in (name, percent):
                    font = label.font()
                    font.setBold(True)
                    font.setPointSizeF(font.pointSizeF() * 1.2)
                    label.setFont(font)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(bar, row, 1)
            self.grid.addWidget(percent, row, 2)
        self.message.setStyleSheet("")
        self.message.setText(_summary(self._scores))
        self.rows.show()

    def show_hint(self, text: str) -> None:
        self._scores = ()
        self._clear_rows()
        self.message.setStyleSheet("color: #555")
        self.message.setText(text)

    def show_error(self, text: str) -> None:
        self._scores = ()
        self._clear_rows()
        self.message.setStyleSheet(f"color: {ERROR_COLOR}")
        self.message.setText(f"⚠ {text}")

    def shown(self) -> list[tuple[str, float]]:
        """The (class, probability) rows on screen, top first."""
        return [(score.class_name, score.probability) for score in self._scores]

    def message_text(self) -> str:
        return self.message.text()

    def _clear_rows(self) -> None:
        empty_layout(self.grid)
        self.rows.hide()


def _summary(scores: Sequence[ClassScore]) -> str:
    if not scores:
        return ""
    top = scores[0]
    return f"Most likely <b>{top.class_name}</b> ({top.probability:.1%})."
