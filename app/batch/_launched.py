"""``--launched-run JOB.json``: one process of a run the window launched under torchrun.

Every process trains its shard (``_ranks``); rank zero prints the run's events as event lines
(``app.core.jobs.encode_event``) for the window's ``LaunchedJob`` to read, and nothing else on
stdout. Not a command for people: the window writes the job file and starts the processes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.batch._ranks import open_catalog, process_group
from app.batch._runner import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, stop_on_interrupt
from app.core.engine import EventStream, RunControl
from app.core.errors import ModelDeskError
from app.core.jobs import RunCreated, TrainJob, encode_event, job_from_json
from app.core.runs import recover_interrupted
from app.core.statuses import COMPLETED, STOPPED


def run_launched(job_file: Path, catalog_path: Path) -> int:
    with process_group() as strategy:
        say = (lambda event: print(encode_event(event), flush=True)) if (
            strategy.is_global_zero) else (lambda event: None)
        try:
            job = job_from_json(json.loads(Path(job_file).read_text(encoding="utf-8")))
            if not isinstance(job, TrainJob):
                raise ModelDeskError(f"{job_file}: a launched run must be a training job")
            catalog = open_catalog(catalog_path, strategy, recover_interrupted)
        except (ModelDeskError, OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_INVALID
        control = RunControl()
        with stop_on_interrupt(control, every_signal=True):
            outcome = job.run(catalog, callbacks=(EventStream(say),), control=control,
                              on_created=lambda run_id: say(RunCreated(run_id)),
                              strategy=strategy)
    if outcome.status == COMPLETED:
        return EXIT_OK
    return EXIT_INTERRUPTED if outcome.status == STOPPED else 1
