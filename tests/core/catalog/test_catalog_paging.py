"""Keyset pages of light rows (``page_runs``, ``run_row``) agree with ``list_runs`` everywhere."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from app.core.catalog import PAGE_SORTABLE, Catalog, PageCursor, RunQuery, RunRow, Sort
from app.core.errors import CatalogError

RunFactory = Callable[..., int]
SORTS = ("-created_at", "created_at", "-test_accuracy", "test_accuracy", "name", "-name",
         "-id", "id", "status", "-wall_seconds", "epochs_done", "-best_val_metric")


@pytest.fixture
def runs(catalog: Catalog, make_run: RunFactory) -> list[int]:
    """30 runs with ties, NULLs and mixed-case names: the hard cases of an order."""
    rng = random.Random(7)
    ids = []
    for number in range(30):
        run_id = make_run(name=rng.choice(["alpha", "Alpha", "beta", "Émile", "zeta"]))
        if number % 4:
            catalog.finish_run(run_id, status="completed", wall_seconds=rng.choice([1.0, 2.0]),
                               test_metrics={"accuracy": rng.choice([0.5, 0.75, 0.9])})
        catalog.update_progress(run_id, epochs_done=rng.randrange(3),
                                best_val_metric=rng.choice([None, 0.1, 0.2]))
        ids.append(run_id)
    catalog.set_tags(ids[0], ["b", "a"])
    return ids


def _all_pages(catalog: Catalog, sort: str, limit: int, after: PageCursor | None = None,
               **filters) -> list[RunRow]:  # noqa: ANN003
    rows = []
    while True:
        page = catalog.page_runs(sort=sort, limit=limit, after=after, **filters)
        rows += page.rows
        if page.next is None:
            return rows
        after = page.next


@pytest.mark.parametrize("sort", SORTS)
def test_pages_walk_the_same_order_as_list_runs(catalog: Catalog, runs: list[int], sort: str):
    expected = [run.id for run in catalog.list_runs(sort=sort, limit=None)]
    for limit in (1, 7, 30, 100):
        assert [row.id for row in _all_pages(catalog, sort, limit)] == expected, limit
    assert [row.id for row in catalog.page_runs(sort=sort, limit=None).rows] == expected


@pytest.mark.parametrize("sort", SORTS)
def test_the_python_key_orders_rows_as_sqlite_does(catalog: Catalog, runs: list[int], sort: str):
    rows = list(catalog.page_runs(sort=sort, limit=None).rows)
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    assert sorted(shuffled, key=Sort.parse(sort, PAGE_SORTABLE).row_key) == rows


def test_a_row_holds_what_the_table_shows_and_no_parsed_json(catalog: Catalog, runs: list[int]):
    row = catalog.run_row(runs[0])
    record = catalog.get_run_record(runs[0])
    assert isinstance(row, RunRow) and row.tags == ("a", "b") == record.tags
    for name in ("id", "uid", "name", "status", "model", "test_accuracy", "epochs_done",
                 "created_at", "dataset_path", "trashed_at", "health", "notes", "message"):
        assert getattr(row, name) == getattr(record, name), name
    assert not hasattr(row, "config") and not hasattr(row, "test_metrics")
    assert row.dataset_name == "digits"


def test_run_row_answers_none_when_the_query_no_longer_selects_it(
    catalog: Catalog, runs: list[int]
):
    assert catalog.run_row(runs[1], RunQuery(status="completed")) is not None
    assert catalog.run_row(runs[0], RunQuery(status="completed")) is None  # still queued
    catalog.trash_runs([runs[1]])
    assert catalog.run_row(runs[1]) is None
    assert catalog.run_row(runs[1], RunQuery(trashed=True)).trashed_at is not None
    assert catalog.run_row(10_000) is None


def test_count_comes_with_the_page_from_one_snapshot(catalog: Catalog, runs: list[int]):
    page = catalog.page_runs(status="completed", limit=5, count=True)
    assert page.total == catalog.count_runs(status="completed") and len(page.rows) == 5
    assert catalog.page_runs(limit=5).total is None


def test_a_cursor_is_a_position_so_a_moving_row_is_neither_lost_nor_repeated(
    catalog: Catalog, runs: list[int]
):
    first = catalog.page_runs(sort="-test_accuracy", limit=10)
    moved = first.rows[0].id  # the best run drops to the bottom after the first page is read
    catalog.finish_run(moved, status="completed", test_metrics={"accuracy": 0.0})
    rest = _all_pages(catalog, "-test_accuracy", 10, after=first.next) if first.next else []
    seen = [row.id for row in first.rows] + [row.id for row in rest]
    assert sorted(seen) == sorted(runs + [moved])  # seen twice: before and after it moved
    assert [row.id for row in rest].count(moved) == 1


def test_bad_sorts_and_foreign_cursors_are_refused(catalog: Catalog, runs: list[int]):
    with pytest.raises(CatalogError, match="cannot sort runs by 'config'"):
        catalog.page_runs(sort="config")
    with pytest.raises(CatalogError, match="cannot sort runs by 'seed'"):
        catalog.page_runs(sort="-seed")  # list_runs sorts by it; a row does not carry it
    with pytest.raises(CatalogError, match="cursor made for sort '-id'"):
        catalog.page_runs(sort="name", after=PageCursor("-id", None, 5))
    assert catalog.page_runs(limit=0).rows == () and catalog.page_runs(limit=0).next is None
