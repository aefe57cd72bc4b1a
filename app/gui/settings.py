"""What the window remembers between sessions (QSettings): geometry, dataset, catalog, values."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings


class Settings:
    """Typed access to the app's QSettings; JSON for structured values."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings or QSettings("ModelDesk", "ModelDesk")

    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    def last_dataset(self) -> str | None:
        return self._s.value("data/last_dataset") or None

    def set_last_dataset(self, path: str) -> None:
        self._s.setValue("data/last_dataset", path)

    def last_catalog(self) -> str | None:
        return self._s.value("catalog/last_catalog") or None

    def set_last_catalog(self, path: str) -> None:
        self._s.setValue("catalog/last_catalog", path)

    def last_values(self) -> dict[str, Any]:
        return self._json("training/last_values")

    def set_last_values(self, values: dict[str, Any]) -> None:
        self._s.setValue("training/last_values", json.dumps(values))

    def saved_queue(self, catalog: str) -> list[dict[str, Any]]:
        """The jobs queued (or training) when the window last closed on ``catalog``."""
        jobs = self._json("queue/saved").get(catalog, [])
        return [job for job in jobs if isinstance(job, dict)] if isinstance(jobs, list) else []

    def set_saved_queue(self, catalog: str, jobs: list[dict[str, Any]]) -> None:
        saved = self._json("queue/saved")
        if jobs:
            saved[catalog] = jobs
        else:
            saved.pop(catalog, None)
        self._s.setValue("queue/saved", json.dumps(saved))

    def sync(self) -> None:
        self._s.sync()

    def _json(self, key: str) -> dict[str, Any]:
        raw = self._s.value(key)
        try:
            value = json.loads(raw) if raw else {}
        except (TypeError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}
