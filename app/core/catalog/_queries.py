"""SQL for reading whole run records: the filtered, sorted run list and single runs.

Kept apart from the store so the store reads as a list of operations, and so every piece of
SQL that takes user input (sort column, search text) is built in reviewed places: here, in
:mod:`._run_query` (filters) and :mod:`._paging` (sort orders, keyset pages of light rows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database

from app.core.catalog._paging import SORTABLE_COLUMNS as SORTABLE_COLUMNS  # re-exported
from app.core.catalog._paging import Sort
from app.core.catalog._records import RUN_COLUMNS, RunRecord, run_from_row
from app.core.catalog._run_query import RunQuery

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
    return Sort.parse(sort).order_by()


def list_sql(
    query: RunQuery, *, sort: str = "-created_at", limit: int | None = 100, offset: int = 0
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of one page of the run list (``list_runs``: LIMIT/OFFSET)."""
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


def select_runs_by_uid_prefix(db: Database, root: Path, prefix: str,
                              limit: int) -> list[RunRecord]:
    """Runs whose uid starts with ``prefix`` (lower-case hex): a range on the uid index,
    since every uid character sorts below "g"."""
    sql = RUN_SELECT + " WHERE r.uid >= :low AND r.uid < :high ORDER BY r.uid LIMIT :limit"
    rows = db.query(sql, {"low": prefix, "high": prefix + "g", "limit": int(limit)})
    return [run_from_row(row, root) for row in rows]
