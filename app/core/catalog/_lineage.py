"""SQL for a run's lineage: its ancestors and descendants along ``runs.parent_run_id``.

Two recursive CTEs walk the links in SQLite (the ``runs_by_parent`` index serves the way
down), so a deep family costs one query each way instead of one query per generation. Each
walk carries the ids it has visited (``/1/4/9/``) and never steps onto one of them again:
``create_run`` only links to existing runs, so cycles cannot arise through the API, but a
hand-edited file must not make the query run forever.
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from app.core.catalog._queries import RUN_SELECT
from app.core.catalog._records import RunRecord, run_from_row

_ANCESTORS = """
WITH RECURSIVE up(id, depth, seen) AS (
    SELECT parent_run_id, 1, '/' || id || '/' || parent_run_id || '/'
    FROM runs WHERE id = :id AND parent_run_id IS NOT NULL AND parent_run_id != id
    UNION ALL
    SELECT p.parent_run_id, up.depth + 1, up.seen || p.parent_run_id || '/'
    FROM up JOIN runs AS p ON p.id = up.id
    WHERE p.parent_run_id IS NOT NULL AND instr(up.seen, '/' || p.parent_run_id || '/') = 0
),
family(id, depth) AS (SELECT id, min(depth) FROM up GROUP BY id)
"""

_DESCENDANTS = """
WITH RECURSIVE down(id, depth, seen) AS (
    SELECT id, 1, '/' || :id || '/' || id || '/'
    FROM runs WHERE parent_run_id = :id AND id != :id
    UNION ALL
    SELECT c.id, down.depth + 1, down.seen || c.id || '/'
    FROM down JOIN runs AS c ON c.parent_run_id = down.id
    WHERE instr(down.seen, '/' || c.id || '/') = 0
),
family(id, depth) AS (SELECT id, min(depth) FROM down GROUP BY id)
"""

_JOIN = " JOIN family AS f ON f.id = r.id ORDER BY f.depth, r.id"


def select_ancestors(db: Database, root: Path, run_id: int) -> tuple[RunRecord, ...]:
    """Parent, grandparent, … up to the root (nearest first)."""
    return _select(db, root, _ANCESTORS, run_id)


def select_descendants(db: Database, root: Path, run_id: int) -> tuple[RunRecord, ...]:
    """Children, grandchildren, … (by depth, then id)."""
    return _select(db, root, _DESCENDANTS, run_id)


def _select(db: Database, root: Path, walk: str, run_id: int) -> tuple[RunRecord, ...]:
    rows = db.query(walk + RUN_SELECT + _JOIN, {"id": int(run_id)})
    return tuple(run_from_row(row, root) for row in rows)
