"""SQL for reading runs: the filtered, sorted run table and metric histories.

Kept apart from the store so the store reads as a list of operations, and so every piece of
SQL that takes user input (sort column, search text) is built in one reviewed place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sqlite_utils import Database

from app.core.catalog._records import (
    RUN_COLUMNS,
    History,
    MetricPoint,
    RunRecord,
    metric_from_row,
    run_from_row,
)
from app.core.catalog._run_query import RunQuery
from app.core.errors import CatalogError

SORTABLE_COLUMNS: frozenset[str] = frozenset(RUN_COLUMNS) - {
    "config", "environment", "test_metrics", "notes", "run_dir", "message", "uid",
}  # fmt: skip
"""Columns ``list_runs(sort=...)`` accepts; a whitelist, because the name goes into SQL."""

_TEXT_COLUMNS = frozenset({"name", "status", "model", "device", "hostname", "best_val_metric_name"})

RUN_SELECT = (
    "SELECT " + ", ".join(f"r.{column}" for column in RUN_COLUMNS) + ", d.path AS dataset_path,"
    " (SELECT json_group_array(tag) FROM"
    " (SELECT tag FROM tags WHERE tags.run_id = r.id ORDER BY tag)) AS tags_json"
    " FROM runs AS r LEFT JOIN datasets AS d ON d.id = r.dataset_id"
)


def register_functions(db: Database) -> None:
    """SQL helpers the queries use; SQLite's own ``LIKE``/``lower`` fold ASCII only."""

    def md_contains(haystack: str | None, needle: str) -> bool:
        return haystack is not None and needle in haystack.casefold()

    db.register_function(md_contains, deterministic=True)


def order_by(sort: str) -> str:
    """``'-test_accuracy'`` → ``ORDER BY`` with NULLs last and newest-first ties."""
    column = sort[1:] if sort.startswith(("-", "+")) else sort
    descending = sort.startswith("-")
    if column not in SORTABLE_COLUMNS:
        allowed = ", ".join(sorted(SORTABLE_COLUMNS))
        raise CatalogError(f"cannot sort runs by {column!r}; sortable columns: {allowed}")
    collate = " COLLATE NOCASE" if column in _TEXT_COLUMNS else ""
    direction = "DESC" if descending else "ASC"
    tie = "" if column == "id" else ", r.id DESC"
    return f" ORDER BY r.{column}{collate} {direction} NULLS LAST{tie}"


def list_sql(
    query: RunQuery, *, sort: str = "-created_at", limit: int | None = 100, offset: int = 0
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of one page of the run table."""
    where, params = query.where()
    sql = RUN_SELECT + where + order_by(sort) + " LIMIT :limit OFFSET :offset"
    params["limit"] = -1 if limit is None else max(0, int(limit))
    params["offset"] = max(0, int(offset))
    return sql, params


def count_sql(query: RunQuery) -> tuple[str, dict[str, Any]]:
    """The SQL counting the runs ``query`` selects; ``datasets`` is joined only for ``text``."""
    where, params = query.where()
    joined = " LEFT JOIN datasets AS d ON d.id = r.dataset_id" if query.searches_text else ""
    return "SELECT count(*) FROM runs AS r" + joined + where, params


def select_runs(
    db: Database,
    root: Path,
    query: RunQuery,
    *,
    sort: str = "-created_at",
    limit: int | None = 100,
    offset: int = 0,
) -> list[RunRecord]:
    sql, params = list_sql(query, sort=sort, limit=limit, offset=offset)
    return [run_from_row(row, root) for row in db.query(sql, params)]


def count_runs(db: Database, query: RunQuery) -> int:
    sql, params = count_sql(query)
    return int(db.execute(sql, params).fetchone()[0])


def select_run(db: Database, root: Path, run_id: int) -> RunRecord | None:
    rows = list(db.query(RUN_SELECT + " WHERE r.id = :id", {"id": int(run_id)}))
    return run_from_row(rows[0], root) if rows else None


def select_run_by_uid(db: Database, root: Path, uid: str) -> RunRecord | None:
    rows = list(db.query(RUN_SELECT + " WHERE r.uid = :uid", {"uid": str(uid)}))
    return run_from_row(rows[0], root) if rows else None


def select_histories(
    db: Database, run_ids: Iterable[int], keys: Iterable[str] | None = None
) -> dict[int, History]:
    """One query for all series of all runs, walking the ``(run_id, key, step)`` primary key."""
    ids = list(dict.fromkeys(int(run_id) for run_id in run_ids))
    sql = (
        "SELECT run_id, key, step, epoch, value, timestamp FROM metrics"
        " WHERE run_id IN (SELECT value FROM json_each(:ids))"
    )
    params: dict[str, Any] = {"ids": json.dumps(ids)}
    if keys is not None:
        sql += " AND key IN (SELECT value FROM json_each(:keys))"
        params["keys"] = json.dumps([str(key) for key in keys])
    sql += " ORDER BY run_id, key, step"
    series: dict[int, dict[str, list[MetricPoint]]] = {run_id: {} for run_id in ids}
    for row in db.query(sql, params):
        series[row["run_id"]].setdefault(row["key"], []).append(metric_from_row(row))
    return {
        run_id: MappingProxyType({key: tuple(points) for key, points in by_key.items()})
        for run_id, by_key in series.items()
    }
