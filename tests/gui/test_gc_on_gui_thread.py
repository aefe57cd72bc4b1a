"""A widget caught in a reference cycle is destroyed on the GUI thread, however busy the pool
threads are allocating (a pool thread's collection once destroyed one mid-export and hung)."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QWidget


def test_a_widget_in_a_reference_cycle_is_destroyed_on_the_gui_thread(qtbot) -> None:  # noqa: ANN001
    assert not gc.isenabled()  # no thread collects on its own; the GUI thread's timer does
    destroyed_in: list[threading.Thread] = []
    widget = QWidget()
    widget.itself = widget  # a cycle: only the cyclic collector can free it
    widget.destroyed.connect(lambda: destroyed_in.append(threading.current_thread()))
    del widget

    kept: list[list] = []

    def allocate() -> None:  # containers that stay alive: the collector's counts only grow
        kept.extend([[] for _ in range(300_000)])

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(destroyed_in), timeout=10_000)
    kept.clear()
    assert destroyed_in == [threading.main_thread()]
