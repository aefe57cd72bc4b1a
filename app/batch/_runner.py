"""Headless batch mode: plan every experiment, run their jobs in order, summarise, exit code.

Exit codes: 0 every run completed (or, in a search, was pruned); 1 a run failed or diverged;
2 the file or a dataset is invalid (nothing trained, the catalog untouched); 130 interrupted
by Ctrl-C (the running run is saved as ``stopped`` with its checkpoint, later experiments are
not started; a search continues when the same file is run again).
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
from app.batch._search import run_search_job
from app.batch._summary import check_summary_path, format_table, write_summary_json
from app.core.catalog import Catalog, RunRecord
from app.core.engine import RunControl
from app.core.errors import CatalogError, ConfigError, ModelDeskError
from app.core.experiments import read_experiments
from app.core.jobs import ReproduceJob, ResumeJob, SearchJob
from app.core.runs import RunOutcome, plan_reproduction, recover_interrupted
from app.core.statuses import COMPLETED, PRUNED, STOPPED

EXIT_OK, EXIT_RUN_FAILED, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130


def run_batch(file: Path, catalog_path: Path, *, summary_json: Path | None = None,
              out: TextIO | None = None, err: TextIO | None = None,
              worker: bool = False) -> int:
    """Train the file's experiments; ``worker``: the file's searches are shared with other
    workers (each must name a ``storage``), and it holds nothing else."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        if summary_json is not None:
            check_summary_path(summary_json)
        experiments = read_experiments(Path(file))
        if worker:
            check_worker_file(experiments, file)
        jobs = [experiment.job for experiment in experiments]
        planned = [job.plan(catalog_path) for job in jobs]  # init_from looked up read-only
        catalog = Catalog(catalog_path)
    except ModelDeskError as error:
        print(f"error: {error}", file=err)
        return EXIT_INVALID
    _say_recovered(catalog, out)
    print(f"{_count(jobs)} from {file}; catalog {catalog_path}", file=out, flush=True)
    for report in {id(plan.dataset.report): plan.dataset.report for plan in planned}.values():
        if report.summary_line():
            print(report.summary_line(), file=out, flush=True)
    outcomes: list[RunOutcome] = []
    searches: list[dict] = []
    control = RunControl()
    done = 0
    with stop_on_interrupt(control):
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
                                            control=control))
            except ModelDeskError as error:
                print(f"error: {error}", file=err)
                return EXIT_INVALID
            done = number
            if control.stop_requested:
                break
    _stop_unfinished_studies(catalog, jobs[done:])
    print("\n" + format_table(outcomes), file=out, flush=True)
    if summary_json is not None:
        write_summary_json(summary_json, outcomes, searches)
    if control.stop_requested or any(o.status == STOPPED for o in outcomes):
        skipped = len(jobs) - done
        note = f"; {skipped} experiment(s) not started" if skipped else ""
        stopped = next((o for o in reversed(outcomes) if o.status == STOPPED), None)
        if isinstance(jobs[done - 1], SearchJob):
            print(f"interrupted: the search stopped; run the same file again to continue it"
                  f"{note}", file=err)
        elif stopped is not None:
            print(f"interrupted: run {stopped.run_id} saved as stopped; resume it with "
                  f"--resume {stopped.run_id}{note}", file=err)
        else:
            print(f"interrupted{note}", file=err)
        return EXIT_INTERRUPTED
    ok = all(o.status in (COMPLETED, PRUNED) for o in outcomes)
    return EXIT_OK if ok else EXIT_RUN_FAILED


def resume_run(run_id: int, catalog_path: Path, *, out: TextIO | None = None) -> int:
    """``--resume``: continue a run in the same catalog record; exit codes as for a batch."""
    if not Path(catalog_path).is_file():  # never create an empty catalog for a typo
        raise CatalogError(f"cannot resume run {run_id}: no catalog at {catalog_path}; check "
                           "--catalog or $MODELDESK_CATALOG")
    catalog = Catalog(catalog_path)
    _say_recovered(catalog, out or sys.stdout)
    control = RunControl()
    with stop_on_interrupt(control):
        outcome = ResumeJob(run_id).run(
            catalog, callbacks=(ConsoleProgress(f"run {run_id}", out),), control=control)
    if outcome.status == STOPPED:
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
    catalog = Catalog(catalog_path)
    _say_recovered(catalog, out)
    print(f"reproducing run {original.id} ({original.name}, uid {original.uid[:8]}) from its "
          f"stored config; catalog {catalog_path}", file=out, flush=True)
    if reproduction.dataset_changed:
        print(f"warning: {reproduction.warning()}", file=err, flush=True)
    control = RunControl()
    with stop_on_interrupt(control):
        outcome = ReproduceJob(original.id).run(
            catalog, callbacks=(ConsoleProgress(f"reproduce run {original.id}", out),),
            control=control)
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
def stop_on_interrupt(control: RunControl) -> Iterator[None]:
    """First Ctrl-C asks the run to stop at the next batch; a second one aborts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if control.stop_requested:
            raise KeyboardInterrupt
        control.request_stop()
        print("\nstopping after this step (Ctrl-C again to abort)...", file=sys.stderr,
              flush=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
