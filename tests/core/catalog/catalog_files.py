"""Reading catalog files the way upgrade tests need: plain ``sqlite3``, any schema version.

Metric points are compared across the schema v4 rebuild in one normal form, ``(run_id, key,
step, epoch, value, ISO timestamp)``, whatever the layout of the file they come from.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from app.core.catalog._connection import transaction
from app.core.catalog._metrics import micros_to_text
from app.core.catalog._schema import MIGRATIONS

Point = tuple[int, str, int, int | None, float | None, str]


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)


def metric_points(path: Path) -> list[Point]:
    """Every point of the file in normal form, sorted."""
    with closing(read_only(path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "metric_keys" in tables:
            rows = conn.execute(
                "SELECT m.run_id, k.key, m.step, m.epoch, m.value, m.timestamp FROM metrics m"
                " JOIN metric_keys k ON k.id = m.key_id"
            ).fetchall()
            rows = [(*row[:5], micros_to_text(row[5])) for row in rows]
        else:
            rows = conn.execute(
                "SELECT run_id, key, step, epoch, value, timestamp FROM metrics"
            ).fetchall()
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]))


def table_rows(path: Path, table: str, drop: set[str] = frozenset()) -> list[tuple]:
    """A table's rows without the columns in ``drop``, ordered by its first two columns."""
    with closing(read_only(path)) as conn:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        kept = ", ".join(column for column in columns if column not in drop)
        return conn.execute(f"SELECT {kept} FROM {table} ORDER BY 1, 2").fetchall()


def columns(path: Path, table: str) -> list[str]:
    with closing(read_only(path)) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def create_at_version(path: Path, version: int) -> None:
    """A new catalog file brought to ``version`` by the first migrations only."""
    with transaction(path, write=True) as db:
        for number in range(version):
            MIGRATIONS[number](db)
            db.execute(f"PRAGMA user_version = {number + 1}")
