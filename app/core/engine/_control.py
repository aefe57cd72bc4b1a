"""Cooperative stop and pause, read by the loop once per batch.

Any thread (a GUI button, a SIGINT handler) may call ``request_stop``/``pause``/``resume``;
only the training thread calls ``wait_while_paused``.
"""

from __future__ import annotations

import threading


class RunControl:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()  # set = not paused
        self._running.set()

    def request_stop(self) -> None:
        self._stop.set()
        self._running.set()  # a paused loop must wake up to stop

    def pause(self) -> None:
        if not self._stop.is_set():
            self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self, timeout: float | None = None) -> bool:
        """Block while paused; return True if training may go on (False = stop)."""
        self._running.wait(timeout)
        return not self._stop.is_set()

    def wait_for_stop(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking at once on a stop; True if one came."""
        return self._stop.wait(timeout)
