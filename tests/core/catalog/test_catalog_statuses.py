"""Statuses come from ``app.core.statuses``; schema v3 drops the CHECK so new ones just work."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlite_utils import Database

from app.core import statuses
from app.core.catalog import RUN_STATUSES, TERMINAL_STATUSES, Catalog, _records, _schema
from app.core.errors import CatalogError

RunFactory = Callable[..., int]
V1_ASSET = Path(__file__).parent / "assets" / "catalog_v1.sqlite"


def _runs_table(path: Path) -> tuple[str, int]:
    """The runs table's SQL and root page (a rebuild would move the table to new pages)."""
    with closing(sqlite3.connect(path)) as conn:
        sql, rootpage = conn.execute(
            "SELECT sql, rootpage FROM sqlite_master WHERE type = 'table' AND name = 'runs'"
        ).fetchone()
    return sql, rootpage


def _v2_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the v1 asset upgraded to version 2 by the v1 and v2 migrations only."""
    path = tmp_path / "catalog.sqlite"
    shutil.copyfile(V1_ASSET, path)
    with monkeypatch.context() as patch:
        patch.setattr(_schema, "MIGRATIONS", _schema.MIGRATIONS[:2])
        Catalog(path).close()
    return path


def test_the_catalog_uses_the_one_definition_of_statuses():
    assert RUN_STATUSES is statuses.RUN_STATUSES
    assert TERMINAL_STATUSES is statuses.TERMINAL_STATUSES
    for duplicate in ("RUN_STATUSES", "TERMINAL_STATUSES", "RESUMABLE_STATUSES"):
        assert not hasattr(_records, duplicate)
    assert {"pruned", "interrupted"} <= set(RUN_STATUSES)


def test_a_new_catalog_has_no_status_check(catalog: Catalog):
    sql, _ = _runs_table(catalog.path)
    assert "CHECK" not in sql.upper()
    assert "status TEXT NOT NULL" in sql


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES))
def test_finish_run_accepts_every_terminal_status(
    catalog: Catalog, make_run: RunFactory, status: str
):
    run_id = make_run()
    catalog.finish_run(run_id, status=status, message=f"ended {status}")
    run = catalog.get_run_record(run_id)
    assert (run.status, run.message) == (status, f"ended {status}")
    assert run.finished_at is not None
    assert catalog.count_runs(status=status) == 1


@pytest.mark.parametrize("status", RUN_STATUSES)
def test_set_status_accepts_every_status(catalog: Catalog, make_run: RunFactory, status: str):
    run_id = make_run()
    catalog.set_status(run_id, status)
    run = catalog.get_run_record(run_id)
    assert run.status == status
    assert (run.finished_at is not None) is (status in TERMINAL_STATUSES)


def test_create_run_accepts_the_new_statuses(catalog: Catalog, make_run: RunFactory):
    pruned, interrupted = make_run(status="pruned"), make_run(status="interrupted")
    assert [run.id for run in catalog.list_runs(status=("pruned", "interrupted"), sort="id")] == [
        pruned, interrupted,
    ]  # fmt: skip
    assert catalog.resumable(interrupted) and not catalog.resumable(pruned)


def test_v3_drops_the_check_in_place_without_moving_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = _v2_file(tmp_path, monkeypatch)
    sql_before, rootpage_before = _runs_table(path)
    assert "CHECK (status IN" in sql_before
    with closing(sqlite3.connect(path)) as conn:
        before = conn.execute("SELECT * FROM runs ORDER BY id").fetchall()
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("UPDATE runs SET status = 'pruned' WHERE id = 1")

    catalog = Catalog(path)

    sql_after, rootpage_after = _runs_table(path)
    assert rootpage_after == rootpage_before  # edited in place, not rebuilt
    assert "CHECK" not in sql_after.upper()
    assert sql_after.startswith(sql_before.split("status TEXT NOT NULL")[0])
    with closing(sqlite3.connect(path)) as conn:
        after = conn.execute("SELECT * FROM runs ORDER BY id").fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert [row[: len(before[0])] for row in after] == before
    catalog.set_status(1, "pruned")
    catalog.set_status(2, "interrupted")
    assert [run.status for run in catalog.list_runs(sort="id")] == [
        "pruned", "interrupted", "queued",
    ]  # fmt: skip


def test_a_migration_failing_after_v3_keeps_version_2_and_its_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = _v2_file(tmp_path, monkeypatch)
    sql_before, _ = _runs_table(path)

    def broken(db: Database) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(_schema, "MIGRATIONS", [*_schema.MIGRATIONS, broken])
    with pytest.raises(RuntimeError, match="power cut"):
        Catalog(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert _runs_table(path)[0] == sql_before
    assert "studies" not in tables


def test_an_unknown_status_is_still_refused(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    with pytest.raises(CatalogError, match="unknown run status 'paused'"):
        catalog.set_status(run_id, "paused")
    with pytest.raises(CatalogError, match="cannot finish as 'queued'"):
        catalog.finish_run(run_id, status="queued")
