"""``run_in_background``: results reach the GUI thread through one relay per owner, and
nothing reaches an owner that is gone."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from app.gui.workers import _Relay, run_in_background, wait_for_background


def test_many_tasks_share_one_relay_and_every_result_arrives(qtbot) -> None:  # noqa: ANN001
    owner = QWidget()
    qtbot.addWidget(owner)
    results: list[int] = []
    failures: list[str] = []
    for number in range(50):
        run_in_background(owner, lambda n=number: n * n, results.append, failures.append)
    run_in_background(owner, lambda: 1 / 0, results.append, failures.append)
    qtbot.waitUntil(lambda: len(results) == 50 and len(failures) == 1, timeout=10_000)
    assert sorted(results) == [n * n for n in range(50)]
    assert "ZeroDivisionError" in failures[0]
    assert len(owner.findChildren(_Relay)) == 1


def test_a_deleted_owner_gets_no_result(qtbot) -> None:  # noqa: ANN001
    owner = QObject()
    release = threading.Event()
    delivered: list[object] = []
    run_in_background(owner, lambda: release.wait(10) and "late", delivered.append,
                      delivered.append)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive_owner(owner), timeout=5_000)
    release.set()
    assert wait_for_background(10_000)
    qtbot.wait(100)  # a queued result would be delivered now
    assert delivered == []


def _alive_owner(owner: QObject) -> bool:
    try:
        owner.objectName()
    except RuntimeError:
        return False
    return True
