"""A run trained data-parallel by N local processes that ``torchrun`` starts: the window's way
to use every GPU of a workstation (docs/scale-out.md).

The job itself stays in the watching process: it plans the run there (bad settings fail before
anything starts), starts ``python -m torch.distributed.run --standalone --nproc-per-node N -m app
--launched-run JOB.json`` and turns the event lines rank zero prints (``_event_lines``) back
into the engine's callbacks, so the Training page draws the run like any other. A stop request
becomes SIGINT to the launcher, which torchrun forwards: the processes agree on the step and
the run ends ``stopped`` with its checkpoint. Pausing is not offered (the processes do not
agree on pauses).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.catalog import Catalog
from app.core.engine import (
    Callback,
    CallbackList,
    EpochEnd,
    Notice,
    Paused,
    RunControl,
    RunFinished,
    RunStarted,
    StepEnd,
    Strategy,
)
from app.core.errors import ConfigError, ModelDeskError
from app.core.jobs._event_lines import decode_event
from app.core.jobs._events import RunCreated
from app.core.jobs._jobs import OnCreated, TrainJob
from app.core.runs import RunOutcome

MAX_PROCESSES = 64
_HOOKS = {RunStarted: "on_run_start", StepEnd: "on_step_end", EpochEnd: "on_epoch_end",
          Notice: "on_notice", Paused: "on_paused", RunFinished: "on_run_end"}


@dataclass(frozen=True)
class LaunchedJob(TrainJob):
    """Train ``config`` as one catalog run in ``processes`` local processes (torchrun)."""

    processes: int = 2

    def __post_init__(self) -> None:
        if isinstance(self.processes, bool) or not 2 <= int(self.processes) <= MAX_PROCESSES:
            raise ConfigError(f"processes must be 2 to {MAX_PROCESSES} for a launched run, "
                              f"not {self.processes!r}", fields=("processes",))

    @property
    def label(self) -> str:
        return f"{super().label} ({self.processes} processes)"

    def run(self, catalog: Catalog, *, callbacks: tuple[Callback, ...] = (),
            control: RunControl | None = None, on_created: OnCreated | None = None,
            strategy: Strategy | None = None) -> RunOutcome:
        from app.core.jobs._serialize import job_to_json

        self.plan(catalog)  # settings, data and device checked here, before any process
        control = control or RunControl()
        hooks = CallbackList(callbacks)
        with tempfile.TemporaryDirectory(prefix="modeldesk-launch-") as folder:
            job_file = Path(folder) / "job.json"
            job_file.write_text(json.dumps({**job_to_json(self), "processes": 1}),
                                encoding="utf-8")
            process = subprocess.Popen(
                self._command(job_file, catalog.path), stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, bufsize=1, env=_environment())
            errors: deque[str] = deque(maxlen=20)
            reader = threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True)
            reader.start()
            stopper = threading.Thread(target=_stop_when_asked, args=(control, process),
                                       daemon=True)
            stopper.start()
            run_id, finished = None, None
            for line in process.stdout:
                event = decode_event(line.rstrip("\n"))
                if isinstance(event, RunCreated):
                    run_id = event.run_id
                    if on_created is not None:
                        on_created(run_id)
                elif event is not None:
                    finished = event if isinstance(event, RunFinished) else finished
                    getattr(hooks, _HOOKS[type(event)])(event)
            code = process.wait()
            reader.join(timeout=5)
        if run_id is None or finished is None:
            tail = " ".join(line.strip() for line in errors if line.strip())[-600:]
            raise ModelDeskError(f"the {self.processes} training processes ended (exit {code}) "
                                 f"without finishing a run: {tail or 'no message'}")
        return _outcome(catalog, run_id, finished)

    def _command(self, job_file: Path, catalog_path: Path) -> list[str]:
        return [sys.executable, "-m", "torch.distributed.run", "--standalone",
                f"--nproc-per-node={self.processes}", "-m", "app",
                "--launched-run", str(job_file), "--catalog", str(catalog_path)]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")  # torchrun's default too; say it, quietly
    env["PYTHONUNBUFFERED"] = "1"  # events arrive as they happen
    return env


def _stop_when_asked(control: RunControl, process: subprocess.Popen) -> None:
    while process.poll() is None:
        if control.wait_for_stop(0.2):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            return


def _outcome(catalog: Catalog, run_id: int, finished: RunFinished) -> RunOutcome:
    run = catalog.get_run_record(run_id)
    dataset = catalog.get_dataset(run.dataset_id)
    parent = catalog.get_run_record(run.parent_run_id) if run.parent_run_id else None
    return RunOutcome(run_id=run.id, uid=run.uid, name=run.name, model=run.model,
                      fingerprint=dataset.fingerprint, finished=finished,
                      parent_run_id=run.parent_run_id,
                      parent_uid=parent.uid if parent else None,
                      reproduces_run_id=run.reproduces_run_id)


def launched_job(data: dict[str, Any], job: TrainJob) -> TrainJob:
    """``job`` as a launched one when its saved form asks for several processes."""
    processes = data.get("processes") or 1
    if isinstance(processes, int) and processes > 1:
        return LaunchedJob(job.config, where=job.where, trial=job.trial,
                           parent_run_id=job.parent_run_id, processes=processes)
    return job
