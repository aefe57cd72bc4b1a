"""The trash: trashed runs leave the run table, come back on restore, and go on empty."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import Catalog, TrashReport
from app.core.errors import CatalogError

RunFactory = Callable[..., int]


def _write(path: Path, size: int) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    return size


def _ids(catalog: Catalog, **filters: object) -> list[int]:
    return sorted(run.id for run in catalog.list_runs(limit=None, **filters))  # type: ignore[arg-type]


def test_trashed_runs_leave_the_table_and_restore_brings_them_back(
    catalog: Catalog, make_run: RunFactory
):
    a, b, c = make_run(name="alpha"), make_run(name="beta"), make_run(name="gamma")
    catalog.trash_runs([a, c])

    assert _ids(catalog) == [b]
    assert _ids(catalog, trashed=True) == [a, c]
    assert catalog.count_runs() == 1
    assert catalog.count_runs(trashed=True) == 2
    assert catalog.count_runs(trashed=True, text="GAMMA") == 1  # filters combine with the trash
    trashed = catalog.get_run_record(a)
    assert trashed.trashed_at is not None
    assert catalog.get_run_record(b).trashed_at is None
    # By-id reads still work on trashed runs.
    assert catalog.get_run(a).run.name == "alpha"
    assert [run.id for run in catalog.compare_runs([a, b]).runs] == [a, b]

    catalog.trash_runs([a])  # trashing again keeps the first time
    assert catalog.get_run_record(a).trashed_at == trashed.trashed_at

    catalog.restore_runs([a])
    assert _ids(catalog) == [a, b]
    assert _ids(catalog, trashed=True) == [c]
    assert catalog.get_run_record(a).trashed_at is None


def test_trash_is_all_or_nothing_and_refuses_a_running_run(
    catalog: Catalog, make_run: RunFactory
):
    done, running = make_run(), make_run()
    catalog.mark_running(running, device="cpu", pid=os.getpid(), hostname=socket.gethostname())

    with pytest.raises(CatalogError, match=f"run {running} is running; stop it first"):
        catalog.trash_runs([done, running])
    assert catalog.count_runs(trashed=True) == 0
    with pytest.raises(CatalogError, match="no run 999"):
        catalog.trash_runs([done, 999])
    with pytest.raises(CatalogError, match="no run 999"):
        catalog.restore_runs([999])
    assert catalog.count_runs(trashed=True) == 0


def test_a_running_row_whose_process_died_can_be_trashed(
    catalog: Catalog, make_run: RunFactory
):
    run_id = make_run()
    catalog.mark_running(run_id, device="cpu", pid=2**22 + 12345, hostname=socket.gethostname())
    catalog.trash_runs([run_id])
    assert _ids(catalog, trashed=True) == [run_id]


def test_empty_trash_deletes_trashed_runs_rows_and_files_only(
    catalog: Catalog, make_run: RunFactory
):
    keep, gone_a, gone_b, child = make_run(), make_run(), make_run(), None
    child = make_run(parent_run_id=gone_a)
    expected = 0
    folders = {run_id: catalog.run_dir(run_id) for run_id in (keep, gone_a, gone_b)}
    for run_id, folder in folders.items():
        weights = folder / "model.safetensors"
        size = _write(weights, 1000 + run_id)
        size += _write(folder / "sub" / "notes.txt", 7 * run_id)
        catalog.add_artifact(run_id, "weights", weights, "safetensors")
        catalog.log_metrics(run_id, [("val_loss", 1, 1, 0.5)])
        catalog.add_tag(run_id, "t")
        if run_id != keep:
            expected += size
    catalog.trash_runs([gone_a, gone_b])

    report = catalog.empty_trash()

    assert report == TrashReport(runs_removed=2, bytes_reclaimed=expected)
    assert _ids(catalog) == [keep, child]
    assert catalog.count_runs(trashed=True) == 0
    assert not folders[gone_a].exists()
    assert not folders[gone_b].exists()
    assert (folders[keep] / "model.safetensors").is_file()
    assert catalog.get_run_record(child).parent_run_id is None
    with pytest.raises(CatalogError, match=f"no run {gone_a}"):
        catalog.get_run(gone_a)
    with catalog._read() as db:
        for table in ("metrics", "artifacts", "tags"):
            rows = db.execute(f"SELECT DISTINCT run_id FROM {table}").fetchall()
            assert [row[0] for row in rows] == [keep]

    assert catalog.empty_trash() == TrashReport(runs_removed=0, bytes_reclaimed=0)


def test_empty_trash_counts_a_run_without_a_folder(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()  # never trained: no folder on disk
    catalog.trash_runs([run_id])
    assert catalog.empty_trash() == TrashReport(runs_removed=1, bytes_reclaimed=0)


def test_empty_trash_keeps_a_run_that_started_after_it_was_trashed(
    catalog: Catalog, make_run: RunFactory
):
    queued = make_run()
    catalog.trash_runs([queued])
    catalog.mark_running(queued, device="cpu", pid=os.getpid(), hostname=socket.gethostname())
    assert catalog.empty_trash() == TrashReport(runs_removed=0, bytes_reclaimed=0)
    assert _ids(catalog, trashed=True) == [queued]
