"""Start-up recovery: a run whose process died is marked interrupted, cleaned and resumable.

The process is simulated by what it leaves: a real run stopped after one epoch, then set back
to ``running`` under a pid that is not alive, with a half-written temporary file beside its
checkpoint (what a SIGKILL during an atomic write leaves). The kill harness in tests/batch does
the same with real kills.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from runs_events import EventLog, Planner

from app.core.catalog import Catalog
from app.core.engine import RunControl
from app.core.models import RunFolder
from app.core.runs import execute, recover_interrupted, resume


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid  # reaped: no process has it now (pids are not reused this quickly)


def _abandoned_run(plan: Planner, catalog: Catalog) -> int:
    control = RunControl()
    stop_after_one = EventLog(at_epoch_end=lambda event: control.request_stop())
    outcome = execute(plan(epochs=3), catalog, callbacks=(stop_after_one,), control=control)
    catalog.mark_running(outcome.run_id, device="cpu", pid=_dead_pid(),
                         hostname=socket.gethostname())
    folder = RunFolder(catalog.run_dir(outcome.run_id))
    (folder.path / ".checkpoint.pt.k1ll3d.tmp").write_bytes(b"half a checkpoint")
    return outcome.run_id


def test_an_abandoned_run_is_marked_interrupted_cleaned_and_resumed(plan: Planner,
                                                                     catalog: Catalog) -> None:
    run_id = _abandoned_run(plan, catalog)
    alive = execute(plan(epochs=1), catalog).run_id  # a finished run is left as it is
    before_alive = catalog.get_run(alive)

    recovered = recover_interrupted(catalog)

    assert [run.id for run in recovered] == [run_id]
    run = catalog.get_run_record(run_id)
    assert run.status == "interrupted" and "resume it" in run.message
    folder = RunFolder(run.run_dir)
    assert list(folder.path.glob(".*.tmp")) == []
    kinds = {artifact.kind for artifact in catalog.get_run(run_id).artifacts}
    assert "checkpoint" in kinds  # the finished checkpoint is on record
    assert catalog.get_run(alive) == before_alive
    assert recover_interrupted(catalog) == []  # nothing twice

    outcome = resume(catalog, run_id)
    assert (outcome.run_id, outcome.status, outcome.epochs_done) == (run_id, "completed", 3)


def test_a_run_of_a_live_process_is_left_alone(plan: Planner, catalog: Catalog) -> None:
    run_id = execute(plan(epochs=1), catalog).run_id
    catalog.mark_running(run_id, device="cpu", pid=os.getpid(), hostname=socket.gethostname())
    assert recover_interrupted(catalog) == []
    assert catalog.get_run_record(run_id).status == "running"
