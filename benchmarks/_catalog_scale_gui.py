"""The window half of ``catalog_scale.py``: catalog actions in the real ``MainWindow``.

Each action is started the way a user starts it (a header click, a filter choice, a selection,
``run_changed`` as the training page emits it) and timed until the page has nothing pending.
A 5 ms precise ``QTimer`` records how late each of its ticks fires while the action runs: the
longest lateness is the longest the GUI thread was blocked, what a user feels as a frozen
window. The event loop is driven by ``QEventLoop.exec`` with a 5 ms timer checking whether the
action is done, so the window runs exactly as it would for a user. Measuring starts once the
window's own start-up work (the device check, which imports torch) is over.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._common import Spread

PROBE_MS = 5


class Probe:
    """The longest lateness of a 5 ms timer since ``reset``: the longest GUI-thread stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()

    def reset(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()

    def _on_tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, (now - self._last) * 1000 - PROBE_MS)
        self._last = now


def wait(done: Callable[[], bool], timeout_s: float = 120.0) -> None:
    """Run the event loop until ``done()`` holds when the loop has returned.

    ``done`` is checked every 5 ms; the loop can still deliver queued work after the check that
    ended it (the view asking for more rows once a reset is painted), so ``done`` is asked again
    after it returns and the loop goes on if the page became busy once more.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    loop, timer, deadline = QEventLoop(), QTimer(), time.monotonic() + timeout_s

    def check() -> None:
        if done() or time.monotonic() > deadline:
            loop.quit()

    timer.setInterval(5)
    timer.timeout.connect(check)
    timer.start()
    while not done() and time.monotonic() <= deadline:
        loop.exec()
    timer.stop()
    if not done():
        raise TimeoutError(f"the window did not finish the action in {timeout_s:.0f} s")


class Window:
    """The main window on an empty catalog, plus the probe; ``act`` times one action."""

    def __init__(self, folder: Path) -> None:
        from PySide6.QtCore import QSettings

        from app.gui.main_window import MainWindow
        from app.gui.settings import Settings
        from app.gui.state import AppState
        from app.gui.training_queue import TrainingQueue

        settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
        self.state = AppState(settings, catalog_path=folder / "empty.sqlite")
        self.queue = TrainingQueue()
        started = time.perf_counter()
        self.window = MainWindow(self.state, self.queue)
        self.window.resize(1280, 860)
        self.window.show()
        self.page = self.window.show_page("Catalog")
        self.compare = self.window.pages["Compare"]
        wait(self.idle)
        self.construction_s = time.perf_counter() - started
        self.probe = Probe()
        # The device check imports torch on a worker soon after start-up; loading its
        # libraries holds the GIL for a while. Not a catalog action: measured apart, before.
        wait(lambda: "detecting" not in self.window.device_label.text())
        self.startup_stall_ms = self.probe.longest
        self.startup_s = time.perf_counter() - started
        wait(lambda: time.perf_counter() - started > self.startup_s + 0.05)  # _on_device ran
        import gc

        collecting = time.perf_counter()
        gc.collect()  # what a full collection costs once start-up froze the imports
        self.full_gc_ms = (time.perf_counter() - collecting) * 1000

    def idle(self) -> bool:
        return not self.page.busy and not self.compare.listing

    def act(self, start: Callable[[], Any],
            done: Callable[[], bool] | None = None) -> tuple[float, float]:
        """Seconds until ``done`` (default: the pages are idle) and the longest stall, ms."""
        from PySide6.QtCore import QThreadPool

        wait(self.idle)
        self.probe.reset()
        started = time.perf_counter()
        start()
        try:
            wait(done or self.idle)
        except TimeoutError as error:
            model = self.page.model
            raise TimeoutError(
                f"{error}: model busy {model._busy} queue {list(model._queue)}, detail busy "
                f"{self.page.detail.busy}, writes {self.page._writes}, picker listing "
                f"{self.compare.listing}, pool threads busy "
                f"{QThreadPool.globalInstance().activeThreadCount()}") from None
        return time.perf_counter() - started, self.probe.longest


def _line(name: str, times: list[float], stalls: list[float], today: str, unit: str = "s",
          target: str = "") -> None:
    scale = 1000 if unit == "ms" else 1
    spread = Spread.of([t * scale for t in times])
    print(f"  {name:38s} {spread.median:8.3f} {unit} (n={spread.count})   longest stall "
          f"{max(stalls):6.1f} ms   today {today}" + (f"   target {target}" if target else ""))


def window_figures(path: Path, repeats: int, today: dict, targets: dict) -> None:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.gui import create_application
    from app.gui.pages._catalog_model import COLUMNS

    create_application()
    ui = Window(Path(tempfile.mkdtemp(prefix="modeldesk-window-")))
    page, model, state = ui.page, ui.page.model, ui.state
    column = {c.title: n for n, c in enumerate(COLUMNS)}
    blocking = f"{today['blocking_ms']} ms"
    stall_target = f"stall ≤ {targets['blocking_ms']:.0f} ms"
    print(f"  window construction on an empty catalog: {ui.construction_s:.2f} s; device check "
          f"(torch imported on a worker) done at {ui.startup_s:.2f} s, longest stall meanwhile "
          f"{ui.startup_stall_ms:.1f} ms (start-up, not a catalog action); a full garbage "
          f"collection then takes {ui.full_gc_ms:.1f} ms")
    results: dict[str, tuple[list[float], list[float]]] = {}

    def record(name: str, measured: tuple[float, float]) -> None:
        results.setdefault(name, ([], []))
        results[name][0].append(measured[0])
        results[name][1].append(measured[1])

    from PySide6.QtCore import Qt, QTimer

    for _ in range(max(1, repeats // 2)):
        record("open the catalog", ui.act(lambda: state.open_catalog(path)))
    for number in range(repeats):
        title = ("Test acc", "Created")[number % 2]
        record("sort (header click)", ui.act(lambda t=title: page.table.sortByColumn(
            column[t], Qt.SortOrder.DescendingOrder)))
    for _ in range(max(1, repeats // 3)):
        ui.act(lambda: page.table.sortByColumn(column["Test acc"], Qt.SortOrder.DescendingOrder))
        follow = lambda *_: QTimer.singleShot(0, page.table.scrollToBottom)  # noqa: E731
        model.rowsInserted.connect(follow)  # like holding End: the view follows each chunk
        record("scroll to the end", ui.act(
            page.table.scrollToBottom, lambda: not model.busy and model._next is None))
        model.rowsInserted.disconnect(follow)
    rows = len(model.runs)
    for number in range(repeats):
        run = model.runs[(number * 997) % rows]
        accuracy = 0.999 - number / 1000 if number % 2 else 0.001 + number / 1000
        state.catalog.finish_run(run.id, status=run.status, test_metrics={"accuracy": accuracy})
        record(f"refresh after one run changes ({rows:,} rows)", ui.act(
            lambda r=run.id: (state.run_changed.emit(r), state.runs_changed.emit())))
    for _ in range(max(1, repeats // 3)):
        record(f"full refresh, runs_changed ({rows:,} rows)", ui.act(state.runs_changed.emit))
    def threshold(text: str) -> None:
        page.filters.thresholds.setText(text)
        page.filters.flush()

    def search(text: str) -> None:
        page.filters.search.setText(text)
        page.filters.flush()

    for _ in range(max(1, repeats // 2)):  # each filter on, then off again
        for choice in ("lenet5", None):
            record("filter (model)", ui.act(lambda c=choice: page.filters.set_choice("model", c)))
        for text in ("lr < 0.01, test_accuracy >= 0.9", ""):
            record("filter (parameter + metric threshold)", ui.act(lambda t=text: threshold(t)))
        for text in ("#4242", ""):
            record("filter (text search)", ui.act(lambda t=text: search(t)))
    for number in range(repeats):
        run_id = model.runs[(number * 31) % len(model.runs)].id
        record("select a run (detail shown)", ui.act(
            lambda r=run_id: page.select_runs([r]),
            lambda r=run_id: page.detail.run_id == r and not page.detail.busy))
    ids = [run.id for run in model.runs]
    ui.window.show_page("Compare")
    for number in range(max(1, repeats // 2)):
        ten = ids[number::max(1, len(ids) // 10)][:10]
        shown: list[Any] = []
        ui.compare.comparison_shown.connect(shown.append)
        record("compare 10 runs", ui.act(lambda t=ten: ui.compare.show_runs(t),
                                         lambda s=shown: bool(s) and not ui.compare.curves.drawing))
        ui.compare.comparison_shown.disconnect(shown.append)
    quoted = {"scroll to the end": (f"{today['scroll_s']} s", f"< {targets['scroll_s']:.0f} s"),
              f"refresh after one run changes ({rows:,} rows)": (
                  f"{today['refresh_s']} s", f"< {targets['refresh_ms']:.0f} ms"),
              f"full refresh, runs_changed ({rows:,} rows)": (f"{today['refresh_s']} s", "")}
    for name, (times, stalls) in results.items():
        was, goal = quoted.get(name, ("", ""))
        _line(name, times, stalls, f"{was or '—'} (blocking {blocking})",
              target=", ".join(filter(None, (goal, stall_target))))
    print(f"  longest GUI-thread stall over all actions: "
          f"{max(max(s) for _, s in results.values()):.1f} ms   today {blocking}   target ≤ "
          f"{targets['blocking_ms']:.0f} ms")
    ui.window.close()
    ui.queue.stop_all()
