"""SQL for reading runs: the filtered, sorted run table and metric histories.

Kept apart from the store so the store reads as a list of operations, and so every piece of
SQL that takes user input (sort column, search text) is built in one reviewed place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sqlite_utils import Database

from app.core.catalog._records import (
    RUN_COLUMNS,
    RUN_STATUSES,
    History,
    MetricPoint,
    RunRecord,
    metric_from_row,
    run_from_row,
)
from app.core.errors import CatalogError

SORTABLE_COLUMNS: frozenset[str] = frozenset(RUN_COLUMNS) - {
    "config", "environment", "test_metrics", "notes", "run_dir", "message",
}  # fmt: skip
"""Columns ``list_runs(sort=...)`` accepts; a whitelist, because the name goes into SQL."""

_TEXT_COLUMNS = frozenset({"name", "status", "model", "device", "hostname", "best_val_metric_name"})

RUN_SELECT = (
    "SELECT " + ", ".join(f"r.{column}" for column in RUN_COLUMNS) + ", d.path AS dataset_path,"
    " (SELECT json_group_array(tag) FROM"
    " (SELECT tag FROM tags WHERE tags.run_id = r.id ORDER BY tag)) AS tags_json"
    " FROM runs AS r LEFT JOIN datasets AS d ON d.id = r.dataset_id"
)


@dataclass(frozen=True)
class RunFilter:
    """The filters ``list_runs`` and ``count_runs`` share; ``None`` means "any".

    ``trashed`` is never "any": ``False`` selects live runs only, ``True`` trashed runs only.
    """

    status: str | Sequence[str] | None = None
    model: str | None = None
    dataset_id: int | None = None
    tag: str | None = None
    text: str | None = None
    trashed: bool = False

    def where(self) -> tuple[str, dict[str, Any]]:
        """Return a ``WHERE`` clause and its named parameters."""
        clauses = ["r.trashed_at IS NOT NULL" if self.trashed else "r.trashed_at IS NULL"]
        params: dict[str, Any] = {}
        if self.status is not None:
            statuses = [self.status] if isinstance(self.status, str) else list(self.status)
            for status in statuses:
                check_status(status)
            clauses.append("r.status IN (SELECT value FROM json_each(:statuses))")
            params["statuses"] = json.dumps(statuses)
        if self.model is not None:
            clauses.append("r.model = :model")
            params["model"] = self.model
        if self.dataset_id is not None:
            clauses.append("r.dataset_id = :dataset_id")
            params["dataset_id"] = int(self.dataset_id)
        if self.tag is not None:
            clauses.append("EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag = :tag)")
            params["tag"] = self.tag
        if self.text is not None and self.text.strip():
            clauses.append(
                "(md_contains(r.name, :text) OR md_contains(r.model, :text)"
                " OR md_contains(r.notes, :text) OR md_contains(d.path, :text)"
                " OR EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id"
                " AND md_contains(t.tag, :text)))"
            )
            params["text"] = self.text.strip().casefold()
        return " WHERE " + " AND ".join(clauses), params


def register_functions(db: Database) -> None:
    """SQL helpers the queries use; SQLite's own ``LIKE``/``lower`` fold ASCII only."""

    def md_contains(haystack: str | None, needle: str) -> bool:
        return haystack is not None and needle in haystack.casefold()

    db.register_function(md_contains, deterministic=True)


def check_status(status: str) -> str:
    if status not in RUN_STATUSES:
        raise CatalogError(f"unknown run status {status!r}; use one of {', '.join(RUN_STATUSES)}")
    return status


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


def select_runs(
    db: Database,
    root: Path,
    run_filter: RunFilter,
    *,
    sort: str = "-created_at",
    limit: int | None = 100,
    offset: int = 0,
) -> list[RunRecord]:
    where, params = run_filter.where()
    sql = RUN_SELECT + where + order_by(sort) + " LIMIT :limit OFFSET :offset"
    params["limit"] = -1 if limit is None else max(0, int(limit))
    params["offset"] = max(0, int(offset))
    return [run_from_row(row, root) for row in db.query(sql, params)]


def count_runs(db: Database, run_filter: RunFilter) -> int:
    where, params = run_filter.where()
    sql = "SELECT count(*) FROM runs AS r LEFT JOIN datasets AS d ON d.id = r.dataset_id" + where
    return int(db.execute(sql, params).fetchone()[0])


def select_run(db: Database, root: Path, run_id: int) -> RunRecord | None:
    rows = list(db.query(RUN_SELECT + " WHERE r.id = :id", {"id": int(run_id)}))
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
