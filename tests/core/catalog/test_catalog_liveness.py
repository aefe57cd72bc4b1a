"""Crash safety: heartbeats, recorded creators, ``interrupted_runs`` and ``mark_interrupted``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import Catalog, parse_timestamp

RunFactory = Callable[..., int]
HERE = socket.gethostname()


def _dead_pid() -> int:
    """The id of a process that has just exited."""
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                             capture_output=True, text=True, check=True)
    return int(process.stdout)


def _set(catalog: Catalog, run_id: int, **columns) -> None:  # noqa: ANN003
    catalog._update(run_id, columns)  # what another (dead) process would have written


def _interrupted(catalog: Catalog, **kwargs) -> list[int]:  # noqa: ANN003
    return [run.id for run in catalog.interrupted_runs(**kwargs)]


def test_create_run_records_its_creator_and_mark_running_beats(
    catalog: Catalog, make_run: RunFactory
):
    run_id = make_run()
    run = catalog.get_run_record(run_id)
    assert (run.pid, run.hostname, run.heartbeat_at) == (os.getpid(), HERE, None)
    catalog.mark_running(run_id, device="cpu", pid=os.getpid(), hostname=HERE)
    first = catalog.get_run_record(run_id).heartbeat_at
    assert first is not None and first == catalog.get_run_record(run_id).started_at
    catalog.heartbeat(run_id)
    assert parse_timestamp(catalog.get_run_record(run_id).heartbeat_at) >= parse_timestamp(first)
    assert _interrupted(catalog) == []  # this process is alive


def test_a_queued_run_whose_creator_died_is_found(tmp_path: Path, catalog: Catalog,
                                                  dataset_id: int):
    script = (
        "import sys; from app.core.catalog import Catalog;"
        " print(Catalog(sys.argv[1]).create_run(name='orphan', model='mlp',"
        f" dataset_id={dataset_id}, config={{}}, seed=0, total_epochs=1, environment={{}}))"
    )
    made = subprocess.run([sys.executable, "-c", script, str(catalog.path)], capture_output=True,
                          text=True, check=True, cwd=Path(__file__).parents[3])
    orphan = int(made.stdout)
    assert catalog.get_run_record(orphan).status == "queued"
    assert _interrupted(catalog) == [orphan]
    assert not catalog.resumable(orphan)  # it never trained: nothing to resume yet
    assert catalog.mark_interrupted([orphan], "its process is gone") == 1
    run = catalog.get_run_record(orphan)
    assert (run.status, run.message) == ("interrupted", "its process is gone")
    assert run.finished_at is not None and catalog.resumable(orphan)


def test_the_rule_for_this_machine_and_for_others(catalog: Catalog, make_run: RunFactory):
    dead_here, alive_here, stale_away, fresh_away, never_beat, legacy, done = (
        make_run() for _ in range(7))
    for run_id in (dead_here, alive_here, stale_away, fresh_away, never_beat):
        catalog.mark_running(run_id, device="cpu", pid=os.getpid(), hostname=HERE)
    _set(catalog, dead_here, pid=_dead_pid())
    _set(catalog, stale_away, hostname="elsewhere", heartbeat_at="2020-01-01T00:00:00.000000Z")
    _set(catalog, fresh_away, hostname="elsewhere", pid=1)
    _set(catalog, never_beat, hostname="elsewhere", heartbeat_at=None,
         created_at="2020-01-01T00:00:00.000000Z")
    _set(catalog, legacy, pid=None, hostname=None, created_at="2020-01-01T00:00:00.000000Z")
    catalog.finish_run(done, status="completed")
    assert _interrupted(catalog) == [dead_here, stale_away, never_beat, legacy]
    assert _interrupted(catalog, stale_after_s=1e12) == [dead_here]  # only the pid counts
    assert catalog.resumable(dead_here) and catalog.resumable(stale_away)
    assert not catalog.resumable(alive_here) and not catalog.resumable(fresh_away)
    assert not catalog.resumable(legacy)  # queued: it never started


def test_mark_interrupted_changes_only_runs_still_running_or_queued(
    catalog: Catalog, make_run: RunFactory
):
    queued, running, finished = make_run(), make_run(), make_run()
    catalog.mark_running(running, device="cpu", pid=os.getpid(), hostname=HERE)
    catalog.finish_run(finished, status="completed", message="fine")
    assert catalog.mark_interrupted([queued, running, finished, 999, queued], "lost") == 2
    statuses = {run.id: (run.status, run.message) for run in catalog.list_runs(limit=None)}
    assert statuses == {queued: ("interrupted", "lost"), running: ("interrupted", "lost"),
                        finished: ("completed", "fine")}
    assert catalog.mark_interrupted([queued], "again") == 0  # a second window changes nothing
    assert catalog.mark_interrupted([], "none") == 0


def test_a_stale_running_run_may_be_trashed_and_the_trash_emptied(
    catalog: Catalog, make_run: RunFactory
):
    away = make_run()
    catalog.mark_running(away, device="cpu", pid=1, hostname="elsewhere")
    with pytest.raises(Exception, match="is running; stop it first"):
        catalog.trash_runs([away])
    _set(catalog, away, heartbeat_at="2020-01-01T00:00:00.000000Z")
    catalog.trash_runs([away])
    assert catalog.empty_trash().runs_removed == 1
