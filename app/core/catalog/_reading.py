"""The read half of the catalog: run table pages, run details, lineage, histories, comparisons."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.core.catalog import _lineage, _queries
from app.core.catalog._base import CatalogBase
from app.core.catalog._compare import build_comparison
from app.core.catalog._export import FINAL_COLUMNS, RunValues
from app.core.catalog._liveness import is_interrupted
from app.core.catalog._metrics import select_histories
from app.core.catalog._paging import PAGE_SORTABLE, Sort, select_page, select_row
from app.core.catalog._records import (
    Comparison,
    DatasetRecord,
    History,
    Lineage,
    RunDetail,
    RunRecord,
    artifact_from_row,
    dataset_from_row,
)
from app.core.catalog._rows import PageCursor, RunPage, RunRow
from app.core.catalog._run_query import RunQuery
from app.core.errors import CatalogError
from app.core.statuses import RESUMABLE_STATUSES, RUNNING


class CatalogReader(CatalogBase):
    """Read-only operations; each runs in one deferred transaction (one consistent snapshot)."""

    def get_dataset(self, dataset_id: int) -> DatasetRecord:
        with self._read() as db:
            return self._dataset(db, dataset_id)

    def list_datasets(self) -> list[DatasetRecord]:
        with self._read() as db:
            return [dataset_from_row(row) for row in db.query("SELECT * FROM datasets ORDER BY id")]

    def list_tags(self) -> list[str]:
        """Every tag in use, for filter menus (one indexed query, not a scan of the runs)."""
        with self._read() as db:
            tags = [row["tag"] for row in db.query("SELECT DISTINCT tag FROM tags")]
        return sorted(tags, key=str.casefold)

    def list_models(self) -> list[str]:
        """Architectures that have runs in this catalog."""
        with self._read() as db:
            return [row["model"] for row in
                    db.query("SELECT DISTINCT model FROM runs ORDER BY model")]

    def list_runs(
        self,
        query: RunQuery | None = None,
        /,
        *,
        sort: str = "-created_at",
        limit: int | None = 100,
        offset: int = 0,
        **filters: Any,
    ) -> list[RunRecord]:
        """A filtered, sorted page of runs; ``sort`` is a column, ``-`` first for descending.

        Filter with a :class:`RunQuery` or with its fields as keywords
        (``list_runs(status="completed", tag="paper")``), not both. NULLs sort last in both
        directions; ties go newest run first. Without ``trashed=True`` only live runs are
        listed.

        Raises:
            TypeError: both a query and keywords, or an unknown keyword.
            CatalogError: an unknown status or sort column.
        """
        run_query = RunQuery.from_arguments(query, filters)
        _queries.order_by(sort)  # reject a bad column before touching the file
        with self._read() as db:
            _queries.register_functions(db)
            return _queries.select_runs(
                db, self.runs_root, run_query, sort=sort, limit=limit, offset=offset
            )

    def page_runs(
        self,
        query: RunQuery | None = None,
        /,
        *,
        sort: str = "-created_at",
        limit: int | None = 200,
        after: PageCursor | None = None,
        count: bool = False,
        **filters: Any,
    ) -> RunPage:
        """A keyset page of light :class:`RunRow` records: what run tables should use.

        The order is ``list_runs``' (NULLs last, ties newest first). Pass the returned
        ``page.next`` as ``after`` for the page that follows; each page costs the same however
        deep it is, unlike ``offset``. ``limit=None`` reads every row in one page. ``sort`` is
        one of :data:`~app.core.catalog._paging.PAGE_SORTABLE` (the columns a row carries).
        ``count=True`` also counts the whole query, in the same snapshot (``page.total``).

        Raises:
            TypeError: both a query and keywords, or an unknown keyword.
            CatalogError: an unknown status or sort column, or a cursor of another sort.
        """
        run_query = RunQuery.from_arguments(query, filters)
        order = Sort.parse(sort, PAGE_SORTABLE)
        with self._read() as db:
            _queries.register_functions(db)
            page = select_page(db, run_query, order, limit, after)
            if count:
                page = RunPage(page.rows, page.next, _queries.count_runs(db, run_query))
            return page

    def run_row(self, run_id: int, query: RunQuery | None = None) -> RunRow | None:
        """The run's light row, or ``None`` when it does not exist or ``query`` (default:
        live runs) does not select it: what a table re-reads when one run changed."""
        with self._read() as db:
            _queries.register_functions(db)
            return select_row(db, query or RunQuery(), run_id)

    def count_runs(self, query: RunQuery | None = None, /, **filters: Any) -> int:
        """How many runs ``list_runs`` would list with the same filters and no limit."""
        run_query = RunQuery.from_arguments(query, filters)
        with self._read() as db:
            _queries.register_functions(db)
            return _queries.count_runs(db, run_query)

    def run_values(self, run_ids: Iterable[int]) -> dict[int, RunValues]:
        """Config, test metrics and final validation values of many runs, in one query:
        what a CSV export adds to light rows (parsed, not frozen; missing runs are left out).
        """
        # the confusion matrix and class list are no columns: SQLite drops them unparsed
        sql = ("SELECT id, config, json_remove(test_metrics, '$.confusion_matrix', '$.classes'),"
               f" {', '.join(FINAL_COLUMNS)} FROM runs"
               " WHERE id IN (SELECT value FROM json_each(?))")
        ids = json.dumps([int(run_id) for run_id in run_ids])
        loads = json.loads
        with self._read() as db:
            return {row[0]: RunValues(loads(row[1] or "{}"), loads(row[2]) if row[2] else None,
                                      tuple(row[3:]))
                    for row in db.execute(sql, [ids])}

    def get_run_record(self, run_id: int) -> RunRecord:
        """Just the run row (no history): cheap, for status checks. Trashed runs too."""
        with self._read() as db:
            return self._run(db, run_id)

    def get_run_by_uid(self, uid: str) -> RunRecord:
        """The run with this global id (trashed or not).

        Raises:
            CatalogError: no run has it.
        """
        with self._read() as db:
            run = _queries.select_run_by_uid(db, self.runs_root, uid)
        if run is None:
            raise CatalogError(f"no run with uid {uid} in {self._path}")
        return run

    def runs_by_uid_prefix(self, prefix: str, limit: int = 5) -> list[RunRecord]:
        """Runs (trashed too) whose uid starts with ``prefix``, at most ``limit``: how a
        person's short uid ("3f9a2c") is resolved, and told apart when it is ambiguous."""
        prefix = str(prefix).lower()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            return []
        with self._read() as db:
            return _queries.select_runs_by_uid_prefix(db, self.runs_root, prefix, limit)

    def find_run_id(self, uid: str) -> int | None:
        """The id of the run with this global id in this catalog, or ``None``."""
        with self._read() as db:
            row = db.execute("SELECT id FROM runs WHERE uid = ?", [str(uid)]).fetchone()
        return None if row is None else int(row[0])

    def lineage(self, run_id: int) -> Lineage:
        """The run's ancestors (nearest first) and descendants (by depth, then id).

        One consistent snapshot; trashed relatives are included with ``trashed_at`` set.
        """
        with self._read() as db:
            return Lineage(
                run=self._run(db, run_id),
                ancestors=_lineage.select_ancestors(db, self.runs_root, run_id),
                descendants=_lineage.select_descendants(db, self.runs_root, run_id),
            )

    def get_run(self, run_id: int) -> RunDetail:
        with self._read() as db:
            run = self._run(db, run_id)
            artifacts = db.query("SELECT * FROM artifacts WHERE run_id = ? ORDER BY id", [run.id])
            return RunDetail(
                run=run,
                dataset=self._find_dataset(db, run.dataset_id),
                history=select_histories(db, [run.id])[run.id],
                artifacts=tuple(artifact_from_row(row, self.runs_root) for row in artifacts),
                tags=run.tags,
            )

    def history(
        self, run_ids: Iterable[int], keys: Iterable[str] | None = None
    ) -> dict[int, History]:
        """``{run_id: {key: points by step}}`` for every id asked (empty when nothing logged)."""
        with self._read() as db:
            return select_histories(db, run_ids, keys)

    def compare_runs(self, run_ids: Sequence[int]) -> Comparison:
        """Compare two or more distinct runs, kept in the order given."""
        ids = list(dict.fromkeys(int(run_id) for run_id in run_ids))
        if len(ids) < 2:
            raise CatalogError("choose at least two different runs to compare")
        with self._read() as db:
            runs = [self._run(db, run_id) for run_id in ids]
            datasets = {run.dataset_id: self._find_dataset(db, run.dataset_id) for run in runs}
            histories = select_histories(db, ids)
        return build_comparison(runs, datasets, histories)

    def resumable(self, run_id: int) -> bool:
        """Whether ``--resume`` may continue the run from its last checkpoint.

        Yes for :data:`~app.core.statuses.RESUMABLE_STATUSES` (stopped, failed, interrupted),
        and for "running" whose process is gone by the rule of ``interrupted_runs``: on this
        host its process no longer exists, elsewhere its heartbeat is stale. A "queued" run
        never trained, so it has nothing to resume until it is marked interrupted.
        """
        run = self.get_run_record(run_id)
        if run.status in RESUMABLE_STATUSES:
            return True
        return run.status == RUNNING and is_interrupted(run)

    def run_dir(self, run_id: int) -> Path:
        """The run's folder for checkpoints, weights and predictions.

        Created on demand, except in a read-only catalog, which never creates anything.
        """
        folder = self.get_run_record(run_id).run_dir
        if not self.read_only:
            folder.mkdir(parents=True, exist_ok=True)
        return folder
