"""An item delegate that wraps text to its column instead of eliding it.

Qt's own word wrap in a tree neither grows the row (rows stay one line high) nor breaks a long
path without spaces, so a skip reason naming a long file was cut off wherever it was shown.
This delegate lays text out with ``WrapAtWordBoundaryOrAnywhere`` at the column's width,
reports that height as the row's, and paints the same layout; ``install`` also re-lays the
rows out when a column or the view is resized, so every reason is readable at any width.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QTextLayout, QTextOption
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView

PAD = 3
_MIN_WIDTH = 24


def text_height(text: str, font: QFont, width: float) -> float:
    """The height of ``text`` wrapped at ``width`` (what a row needs to show all of it)."""
    return _layout(text, font, width)[1]


def install(view: QTreeView) -> WrappingDelegate:
    """Give ``view`` a wrapping delegate and keep row heights right as it resizes."""
    delegate = WrappingDelegate(view)
    view.setItemDelegate(delegate)
    view.setUniformRowHeights(False)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    view.header().sectionResized.connect(lambda *_: view.doItemsLayout())
    return delegate


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text; only for a ``QTreeView`` (it reads its columns)."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self.view = view

    def text_width(self, index: QModelIndex | QPersistentModelIndex) -> int:
        """The width the text of ``index`` wraps at: its column (or the row, when spanned)
        less the indentation of its depth and the padding."""
        view = self.view
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        if index.column() == 0 and view.isFirstColumnSpanned(index.row(), index.parent()):
            width = view.viewport().width()
        else:
            width = view.columnWidth(index.column())
        if index.column() == 0:
            width -= view.indentation() * (depth + (1 if view.rootIsDecorated() else 0))
        return max(width - 2 * PAD, _MIN_WIDTH)

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 - Qt override
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = self.text_width(index)
        height = text_height(opt.text, opt.font, width) if opt.text else opt.fontMetrics.height()
        return QSize(width, int(height + 0.999) + PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else self.view.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        color = (opt.palette.highlightedText() if selected else opt.palette.text()).color()
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        if foreground is not None and not selected:
            color = foreground.color()
        layout, _ = _layout(text, opt.font, opt.rect.width() - 2 * PAD)
        painter.save()
        painter.setPen(color)
        layout.draw(painter, QPointF(opt.rect.left() + PAD, opt.rect.top() + PAD / 2))
        painter.restore()


def _layout(text: str, font: QFont, width: float) -> tuple[QTextLayout, float]:
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 1.0))
        line.setPosition(QPointF(0.0, y))
        y += line.height()
    layout.endLayout()
    return layout, y
