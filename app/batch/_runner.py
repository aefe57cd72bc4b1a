"""Headless batch mode: plan every experiment, run their jobs in order, summarise, exit code.

Exit codes: 0 every run completed (or, in a search, was pruned); 1 a run failed or diverged;
2 the file or a dataset is invalid (nothing trained, the catalog untouched); 130 interrupted
by Ctrl-C (the running run is saved as ``stopped`` with its checkpoint, later experiments are
not started; a search continues when the same file is run again).

Under ``torchrun`` every process runs the batch and trains its shard of each run
(``_ranks.py``); rank zero alone writes and speaks, and a stop on any process (Ctrl-C on the
launcher, a killed process) ends the run on all of them.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from app.batch._console import ConsoleProgress
from app.batch._ranks import NOT_IN_STEP, open_catalog, process_group, refuse_searches, voices
from app.batch._search import run_search_job
from app.batch._summary import check_summary_path, format_table, write_summary_json
from app.core.catalog import Catalog, RunRecord
from app.core.engine import RunControl, Strategy
from app.core.errors import CatalogError, ConfigError, ModelDeskError
from app.core.experiments import read_experiments
from app.core.jobs import ReproduceJob, ResumeJob, SearchJob
from app.core.runs import RunOutcome, plan_reproduction, recover_interrupted
from app.core.statuses import COMPLETED, INTERRUPTED, PRUNED, STOPPED

EXIT_OK, EXIT_RUN_FAILED, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130
_SAVED = (STOPPED, INTERRUPTED)
"""Ends that keep the run resumable and say so (interrupted: a torchrun process was lost)."""


def run_batch(file: Path, catalog_path: Path, *, summary_json: Path | None = None,
              out: TextIO | None = None, err: TextIO | None = None,
              worker: bool = False) -> int:
    """Train the file's experiments; ``worker``: the file's searches are shared with other
    workers (each must name a ``storage``), and it holds nothing else."""
    with process_group() as strategy:
        out, err = voices(strategy, out or sys.stdout, err or sys.stderr)
        try:
            return _run_batch(file, catalog_path, summary_json, out, err, strategy, worker)
        except Exception as error:
            if not strategy.lost_peer(error):
                raise
            print(f"error: another process of this launch ended ({error})", file=err)
            return EXIT_INTERRUPTED


def _run_batch(file: Path, catalog_path: Path, summary_json: Path | None, out: TextIO,
               err: TextIO, strategy: Strategy, worker: bool) -> int:
    try:
        if summary_json is not None:
            check_summary_path(summary_json)
        experiments = read_experiments(Path(file))
        if worker:
            check_worker_file(experiments, file)
        jobs = [experiment.job for experiment in experiments]
        refuse_searches(jobs, strategy, Path(file))
        planned = [job.plan(catalog_path) for job in jobs]  # init_from looked up read-only
        catalog = open_catalog(catalog_path, strategy, lambda c: _say_recovered(c, out))
    except ModelDeskError as error:
        print(f"error: {error}", file=err)
        return EXIT_INVALID
    print(f"{_count(jobs)} from {file}; catalog {catalog_path}", file=out, flush=True)
    for report in {id(plan.dataset.report): plan.dataset.report for plan in planned}.values():
        if report.summary_line():
            print(report.summary_line(), file=out, flush=True)
    outcomes: list[RunOutcome] = []
    searches: list[dict] = []
    control = RunControl()
    done = 0
    with stop_on_interrupt(control, every_signal=strategy.world_size > 1):
        for number, (job, plan) in enumerate(zip(jobs, planned, strict=True), start=1):
            label = f"[{number}/{len(jobs)}] {plan.name}"
            try:
                if isinstance(job, SearchJob):
                    search, summary = run_search_job(job, catalog, control,
                                                     f"[{number}/{len(jobs)}]", out)
                    outcomes.extend(search.outcomes)
                    searches.append(summary)
                else:
                    outcomes.append(job.run(catalog, callbacks=(ConsoleProgress(label, out),),
                                            control=control, strategy=strategy))
            except ModelDeskError as error:
                print(f"error: {error}", file=err)
                return EXIT_INVALID
            done = number
            if control.stop_requested or _out_of_step(strategy, outcomes):
                break
    if strategy.is_global_zero:
        _stop_unfinished_studies(catalog, jobs[done:])
    print("\n" + format_table(outcomes), file=out, flush=True)
    if summary_json is not None and strategy.is_global_zero:
        write_summary_json(summary_json, outcomes, searches)
    if control.stop_requested or any(o.status in _SAVED for o in outcomes):
        skipped = len(jobs) - done
        note = f"; {skipped} experiment(s) not started" if skipped else ""
        stopped = next((o for o in reversed(outcomes) if o.status in _SAVED), None)
        if isinstance(jobs[done - 1], SearchJob):
            print(f"interrupted: the search stopped; run the same file again to continue it"
                  f"{note}", file=err)
        elif stopped is not None:
            print(f"interrupted: run {stopped.run_id} saved as {stopped.status}; resume it "
                  f"with --resume {stopped.run_id}{note}", file=err)
        else:
            print(f"interrupted{note}", file=err)
        return EXIT_INTERRUPTED
    ok = all(o.status in (COMPLETED, PRUNED) for o in outcomes)
    return EXIT_OK if ok else EXIT_RUN_FAILED


def resume_run(run_id: int, catalog_path: Path, *, out: TextIO | None = None) -> int:
    """``--resume``: continue a run in the same catalog record; exit codes as for a batch.
    Under torchrun, with any number of processes (the checkpoint does not depend on it)."""
    if not Path(catalog_path).is_file():  # never create an empty catalog for a typo
        raise CatalogError(f"cannot resume run {run_id}: no catalog at {catalog_path}; check "
                           "--catalog or $MODELDESK_CATALOG")
    with process_group() as strategy:
        out, _ = voices(strategy, out or sys.stdout, sys.stderr)
        catalog = open_catalog(catalog_path, strategy, lambda c: _say_recovered(c, out))
        control = RunControl()
        with stop_on_interrupt(control, every_signal=strategy.world_size > 1):
            outcome = ResumeJob(run_id).run(
                catalog, callbacks=(ConsoleProgress(f"run {run_id}", out),), control=control,
                strategy=strategy)
    if outcome.status in _SAVED:
        return EXIT_INTERRUPTED
    return EXIT_OK if outcome.status == COMPLETED else EXIT_RUN_FAILED


def reproduce_run(reference: str, catalog_path: Path, *, out: TextIO | None = None,
                  err: TextIO | None = None) -> int:
    """``--reproduce``: train a run's stored config again as a new run linked to it.

    The run, its dataset and any ``init_from`` run are checked against the catalog opened
    read-only first, so a bad reference exits 2 (``ModelDeskError``) with the file untouched.
    A changed dataset is a warning line on stderr before training, and the run goes on.
    """
    out, err = out or sys.stdout, err or sys.stderr
    if not Path(catalog_path).is_file():  # never create an empty catalog for a typo
        raise CatalogError(f"cannot reproduce run {reference}: no catalog at {catalog_path}; "
                           "check --catalog or $MODELDESK_CATALOG")
    reproduction = plan_reproduction(Catalog(catalog_path, read_only=True), reference)
    original = reproduction.original
    with process_group() as strategy:
        out, err = voices(strategy, out, err)
        catalog = open_catalog(catalog_path, strategy, lambda c: _say_recovered(c, out))
        print(f"reproducing run {original.id} ({original.name}, uid {original.uid[:8]}) from "
              f"its stored config; catalog {catalog_path}", file=out, flush=True)
        if reproduction.dataset_changed:
            print(f"warning: {reproduction.warning()}", file=err, flush=True)
        control = RunControl()
        with stop_on_interrupt(control, every_signal=strategy.world_size > 1):
            outcome = ReproduceJob(original.id).run(
                catalog, callbacks=(ConsoleProgress(f"reproduce run {original.id}", out),),
                control=control, strategy=strategy)
    print(f"run {outcome.run_id} reproduces run {original.id}: {_compared(original, outcome)}",
          file=out, flush=True)
    if outcome.status == STOPPED:
        print(f"interrupted: run {outcome.run_id} saved as stopped; resume it with --resume "
              f"{outcome.run_id}", file=err)
        return EXIT_INTERRUPTED
    return EXIT_OK if outcome.status == COMPLETED else EXIT_RUN_FAILED


def _compared(original: RunRecord, outcome: RunOutcome) -> str:
    """Test accuracy of both, so the console says at once whether they match."""
    def accuracy(value: float | None) -> str:
        return "-" if value is None else f"{value:.4%}"

    return (f"test accuracy {accuracy(outcome.test_accuracy)} "
            f"(original {accuracy(original.test_accuracy)}), {outcome.status}")


def _out_of_step(strategy: Strategy, outcomes: list[RunOutcome]) -> bool:
    """Several processes whose last run failed on one of them or lost one: stop the batch."""
    return strategy.world_size > 1 and bool(outcomes) and outcomes[-1].status in NOT_IN_STEP


def _count(jobs: list) -> str:
    """"3 run(s)", "1 search(es)" or "2 run(s) and 1 search(es)"."""
    searches = sum(isinstance(job, SearchJob) for job in jobs)
    runs = f"{len(jobs) - searches} run(s)"
    if not searches:
        return runs
    found = f"{searches} search(es)"
    return found if searches == len(jobs) else f"{runs} and {found}"


def check_worker_file(experiments: list, file: Path) -> None:
    """A worker runs shared searches only: a plain run would be trained by every worker."""
    for experiment in experiments:
        if experiment.search is None:
            raise ConfigError(f"{experiment.where}: --worker runs shared searches only, and "
                              "this experiment is a single run (every worker would train "
                              f"it); run it without --worker, or move it out of {file}")
        if not experiment.search.settings.shared:
            raise ConfigError(f"{experiment.where}: --worker needs the search to name the "
                              "storage its workers share: storage = \"postgresql://user@host"
                              "/db\" or the absolute path of a journal file, in "
                              "[experiment.search]")


def _say_recovered(catalog: Catalog, out: TextIO) -> None:
    """Runs a killed process left behind are marked interrupted before anything starts."""
    for run in recover_interrupted(catalog):
        print(f"run {run.id} ({run.name}) was interrupted when its process ended; resume it "
              f"with --resume {run.id}", file=out, flush=True)


def _stop_unfinished_studies(catalog: Catalog, not_started: list) -> None:
    """A grid cut short by Ctrl-C is a stopped study, not one that looks still running."""
    uids = {job.trial.study.uid for job in not_started
            if getattr(job, "trial", None) is not None}
    for study in catalog.list_studies():
        if study.uid in uids and study.status == "running":
            catalog.finish_study(study.id, "stopped")


@contextmanager
def stop_on_interrupt(control: RunControl, *, every_signal: bool = False) -> Iterator[None]:
    """First Ctrl-C asks the run to stop at the next batch; a second one aborts at once.

    ``every_signal`` (a process of a torchrun launch): SIGINT and SIGTERM, which torchrun
    forwards from its own Ctrl-C or sends when another process died, only ever ask for the
    stop, however often they come; the processes agree on the step, and torchrun kills what
    is left after its grace period.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if control.stop_requested:
            if every_signal:
                return
            raise KeyboardInterrupt
        control.request_stop()
        again = "" if every_signal else " (Ctrl-C again to abort)"
        print(f"\nstopping after this step{again}...", file=sys.stderr, flush=True)

    caught = (signal.SIGINT, signal.SIGTERM) if every_signal else (signal.SIGINT,)
    previous = {number: signal.signal(number, handler) for number in caught}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
