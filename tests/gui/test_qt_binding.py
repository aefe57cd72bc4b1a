"""The Qt binding itself: emitting signals must not corrupt reference counts.

PySide6 6.12.0 under Python 3.11 dropped a reference to ``True`` on every ``emit()``; after
enough progress signals the interpreter aborted ("bool_dealloc"). pyproject excludes it; this
test catches a binding with the same fault.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    value = Signal(object)
    bare = Signal()


def test_emit_keeps_reference_counts_of_singletons(qtbot) -> None:  # noqa: ANN001
    emitter = _Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    emitter.bare.connect(lambda: received.append("bare"))
    before = {name: sys.getrefcount(obj) for name, obj in
              (("True", True), ("False", False), ("None", None))}
    for _ in range(200):
        emitter.value.emit(None)
        emitter.bare.emit()
    after = {name: sys.getrefcount(obj) for name, obj in
             (("True", True), ("False", False), ("None", None))}
    assert len(received) == 400
    # None gains the 200 references held by ``received``; nothing may lose any.
    assert after["True"] >= before["True"]
    assert after["False"] >= before["False"]
    assert after["None"] >= before["None"] + 200
