"""Emptying a layout whose widgets are rebuilt (result rows, form rows)."""

from __future__ import annotations

from PySide6.QtWidgets import QLayout


def empty_layout(layout: QLayout) -> None:
    """Remove and delete every widget of ``layout``, hiding each at once: ``deleteLater``
    waits for the event loop, and until then the old widgets would be drawn under the new."""
    while layout.count():
        widget = layout.takeAt(0).widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
