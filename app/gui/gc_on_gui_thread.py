"""Python's cyclic garbage collection done on the GUI thread only.

The collector runs in whichever thread happens to allocate when a generation fills up, so a Qt
widget caught in a reference cycle (a lambda slot holding its own widget, say) can be destroyed
by a pool thread in the middle of a model export. Qt forbids that, and it hung the test suite:
``QObject::~QObject`` in a pool thread waiting for the interpreter lock inside a collection.
While the window exists, automatic collection is off and a timer on the GUI thread collects
each generation once it is as full as the automatic collector would have let it get (the
recipe PyQt and PySide applications use for the same reason). Reference counting, which frees
almost everything, is unaffected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Owns the timer; create it once, on the GUI thread, after the ``QApplication``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start()

    def collect_due(self) -> None:
        """Collect the oldest generation whose count has passed its threshold."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.threshold[generation]:
                gc.collect(generation)
                return


def collect_on_gui_thread(application: QObject) -> GuiThreadCollector:
    """Install the collector once per application (later calls return the first)."""
    existing = application.findChild(GuiThreadCollector)
    return existing if existing is not None else GuiThreadCollector(application)
