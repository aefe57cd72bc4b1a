"""Metric points on disk: key ids, integer timestamps, and the SQL that writes and reads them.

Since schema v4 a point row is ``(run_id, key_id, step, epoch, value, timestamp)`` with the
key's text in ``metric_keys`` and the time as microseconds since the Unix epoch: half the bytes
of the text columns it replaced. The public shape does not change: ``log_metrics`` takes
``(key, step, epoch, value)`` and :class:`MetricPoint` carries the key text and the same
fixed-width ISO timestamp as before (formatted on read, once per distinct time).

Key ids are cached per catalog object, but only after the transaction that read or created
them has committed: a rolled-back insert must never leave an id in the cache that another
process may later give to a different key.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from sqlite_utils import Database

from app.core.catalog._records import History, MetricPoint, nan_to_none

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TEXT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_GMTIME_MAX = 253_402_300_799  # 9999-12-31T23:59:59Z

Point = tuple[str, int, int | None, float]


def now_micros() -> int:
    """The current time as stored in ``metrics.timestamp``."""
    return time.time_ns() // 1000


def micros_to_text(micros: int) -> str:
    """``1778312125123456`` → ``"2026-05-09T07:35:25.123456Z"`` (the catalog's text form)."""
    seconds, fraction = divmod(int(micros), 1_000_000)
    if seconds < 0 or seconds > _GMTIME_MAX:  # outside what time.gmtime covers everywhere
        return (_EPOCH + timedelta(microseconds=int(micros))).strftime(_TEXT_FORMAT)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{fraction:06d}Z"


def text_to_micros(text: str) -> int:
    """Inverse of :func:`micros_to_text`, exact to the microsecond."""
    moment = datetime.strptime(text, _TEXT_FORMAT).replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def key_ids(db: Database, keys: Iterable[str], cache: Mapping[str, int]) -> dict[str, int]:
    """Ids of ``keys`` (created when new) inside the caller's write transaction.

    ``cache`` is only read here; the caller adds the result to it after committing.
    """
    wanted = list(dict.fromkeys(keys))
    found = {key: cache[key] for key in wanted if key in cache}
    missing = [key for key in wanted if key not in found]
    if missing:
        db.conn.executemany(
            "INSERT OR IGNORE INTO metric_keys (key) VALUES (?)", [(key,) for key in missing]
        )
        rows = db.execute(
            "SELECT key, id FROM metric_keys WHERE key IN (SELECT value FROM json_each(?))",
            [json.dumps(missing)],
        ).fetchall()
        found.update({key: int(key_id) for key, key_id in rows})
    return found


def insert_points(
    db: Database, run_id: int, points: Sequence[Point], cache: MutableMapping[str, int]
) -> dict[str, int]:
    """Write ``points`` (re-logged steps replace); return the key ids used, for the cache."""
    ids = key_ids(db, (str(point[0]) for point in points), cache)
    stamp = now_micros()
    rows = [
        (int(run_id), ids[str(key)], int(step), None if epoch is None else int(epoch),
         nan_to_none(value), stamp)
        for key, step, epoch, value in points
    ]  # fmt: skip
    db.conn.executemany(
        "INSERT OR REPLACE INTO metrics (run_id, key_id, step, epoch, value, timestamp)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    return ids


def select_histories(
    db: Database, run_ids: Iterable[int], keys: Iterable[str] | None = None
) -> dict[int, History]:
    """One query for all series of all runs, walking the ``(run_id, key_id, step)`` key.

    Series come back keyed by name in name order, points by step, as before schema v4. Key
    names are read once (a few rows), not joined to every point.
    """
    ids = list(dict.fromkeys(int(run_id) for run_id in run_ids))
    names = dict(db.execute("SELECT id, key FROM metric_keys").fetchall())
    sql = (
        "SELECT run_id, key_id, step, epoch, value, timestamp FROM metrics"
        " WHERE run_id IN (SELECT value FROM json_each(:ids))"
    )
    params: dict[str, Any] = {"ids": json.dumps(ids)}
    if keys is not None:
        wanted = set(map(str, keys))
        sql += " AND key_id IN (SELECT value FROM json_each(:keys))"
        params["keys"] = json.dumps([key_id for key_id, key in names.items() if key in wanted])
    sql += " ORDER BY run_id, key_id, step"
    series: dict[int, dict[str, list[MetricPoint]]] = {run_id: {} for run_id in ids}
    texts: dict[int, str] = {}  # points of one log call share one time: format it once
    current, points, key = None, [], ""
    nan = math.nan
    for run_id, key_id, step, epoch, value, micros in db.execute(sql, params):
        if (run_id, key_id) != current:
            current, key = (run_id, key_id), names[key_id]
            points = series[run_id].setdefault(key, [])
        text = texts.get(micros)
        if text is None:
            text = texts[micros] = micros_to_text(micros)
        points.append(MetricPoint(key, step, epoch, nan if value is None else value, text))
    return {
        run_id: MappingProxyType({key: tuple(by_key[key]) for key in sorted(by_key)})
        for run_id, by_key in series.items()
    }
