"""Reading Optuna's trials against the catalog: which finished, which were cut short.

An Optuna trial carries its catalog run's id (user attribute ``run_id``) once the run
exists, and the process that asked for it (``pid``, ``host``). A trial counts towards the
budget when it completed, was pruned, or failed on its own (a failed or diverged run, values
the settings refused); a trial whose run was stopped, or whose process died, does not count:
it is told ``FAIL`` with the fate ``interrupted`` and its values are queued again, so the
search goes on where it left off. A trial a dead process left ``RUNNING`` is settled from its
run's catalog status (a run that completed before the kill keeps its result).
"""

from __future__ import annotations

import math
import os
import socket
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from app.core.catalog import Catalog, is_interrupted, pid_alive
from app.core.errors import CatalogError
from app.core.statuses import COMPLETED, DIVERGED, FAILED, PRUNED, QUEUED, RUNNING

FATE = "fate"  # user attribute of a trial told FAIL by this code
HEARTBEAT = "heartbeat"  # user attribute: time.time() of the asking worker's last sign of life
FAILED_FATE, INTERRUPTED_FATE, INVALID_FATE = "failed", "interrupted", "invalid"


def objective(metric: str, *, best_name: str | None, best: float | None,
              test_accuracy: float | None, test_macro_f1: float | None) -> float | None:
    """The value a completed run scores on ``metric``; ``None`` when it has none."""
    if metric.startswith("val_"):
        value = best if best_name == metric else None
    else:
        value = test_accuracy if metric == "test_accuracy" else test_macro_f1
    return float(value) if value is not None and math.isfinite(value) else None


def heartbeat_seconds() -> float:
    """How often a running trial says it is alive (``MODELDESK_TRIAL_HEARTBEAT_S``, 30 s)."""
    return float(os.environ.get("MODELDESK_TRIAL_HEARTBEAT_S", "30"))


def stale_after() -> float:
    """A running trial silent this long was left by a dead worker: four missed heartbeats."""
    return 4 * heartbeat_seconds()


def is_stale(trial: Any, now: float | None = None) -> bool:
    """Whether a ``RUNNING`` trial's last heartbeat (user attribute) is too old."""
    beat = trial.user_attrs.get(HEARTBEAT)
    if not isinstance(beat, int | float):
        return False
    return (time.time() if now is None else now) - beat > stale_after()


def fate(trial: Any, catalog: Catalog) -> str:
    """``finished``, ``interrupted`` or ``pending`` (running or waiting) for a frozen trial."""
    from optuna.trial import TrialState

    if trial.state in (TrialState.COMPLETE, TrialState.PRUNED):
        return "finished"
    if trial.state != TrialState.FAIL:
        return "pending"
    told = trial.user_attrs.get(FATE)
    if told in (FAILED_FATE, INVALID_FATE):
        return "finished"
    if told == INTERRUPTED_FATE:
        return "interrupted"
    run = trial_run(catalog, trial)
    return "finished" if run is not None and run.status in (FAILED, DIVERGED) else "interrupted"


def finished_count(study: Any, catalog: Catalog) -> int:
    return sum(fate(t, catalog) == "finished" for t in study.get_trials(deepcopy=False))


def seconds_spent(study: Any) -> float:
    """Wall time of the study's ended trials, every session (what ``timeout`` counts)."""
    total = 0.0
    for trial in study.get_trials(deepcopy=False):
        if trial.datetime_start and trial.datetime_complete:
            total += (trial.datetime_complete - trial.datetime_start).total_seconds()
    return total


def settle_abandoned(study: Any, catalog: Catalog, metric: str) -> list[int]:
    """Tell every ``RUNNING`` trial whose process is gone how its run ended; queue the values
    of those cut short again. Returns the numbers of the trials found interrupted."""

    from optuna.exceptions import UpdateFinishedTrialError

    interrupted = []
    for trial in _abandoned(study, catalog):
        run = trial_run(catalog, trial)
        status = run.status if run is not None else None
        try:
            if _settle(study, trial, run, status, metric):
                interrupted.append(trial.number)
        except UpdateFinishedTrialError:  # another worker settled it first
            continue
    return interrupted


def _settle(study: Any, trial: Any, run: Any, status: str | None, metric: str) -> bool:
    """Tell one abandoned trial how it ended; ``True`` when it was cut short (queued again)."""
    from optuna.trial import TrialState

    if status == COMPLETED:
        value = objective(metric, best_name=run.best_val_metric_name,
                          best=run.best_val_metric, test_accuracy=run.test_accuracy,
                          test_macro_f1=run.test_macro_f1)
        if value is not None:
            study.tell(trial.number, value)
            return False
    if status == PRUNED and trial.intermediate_values:
        study.tell(trial.number, state=TrialState.PRUNED)
        return False
    study.tell(trial.number, state=TrialState.FAIL)
    if status in (FAILED, DIVERGED, COMPLETED):
        return False
    study.enqueue_trial(dict(trial.params))  # stopped, interrupted, no run yet, lost worker
    return True


def _abandoned(study: Any, catalog: Catalog) -> Iterator[Any]:
    """``RUNNING`` trials nobody is running any more.

    Ours (a run in this catalog): its run says so. Any other: its process is gone (this
    machine) or its heartbeat stopped (another machine).
    """
    from optuna.trial import TrialState

    host = socket.gethostname()
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        run = trial_run(catalog, trial)
        if run is not None and run.status in (RUNNING, QUEUED):
            if is_interrupted(run):
                yield trial
            continue
        if run is not None:  # its run ended but the trial was never told: the worker died
            yield trial
            continue
        pid = trial.user_attrs.get("pid")
        if not isinstance(pid, int):  # asked a moment ago (its attributes follow the ask), or
            if _age(trial) > stale_after():  # by a process killed in that very moment
                yield trial
        elif trial.user_attrs.get("host") == host:
            if not pid_alive(pid):
                yield trial
        elif HEARTBEAT not in trial.user_attrs or is_stale(trial):  # no heartbeat: a local
            yield trial                                             # search's, moved here


def _age(trial: Any) -> float:
    start = trial.datetime_start
    return 0.0 if start is None else (datetime.now() - start).total_seconds()


def trial_run(catalog: Catalog, trial: Any) -> Any:
    """The trial's run in this catalog: by its uid (a shared study's trials come from many
    catalogs, whose ids mean nothing here), by id for trials from before uids were kept."""
    uid = trial.user_attrs.get("run_uid")
    try:
        if isinstance(uid, str):
            found = catalog.find_run_id(uid)
            return None if found is None else catalog.get_run_record(found)
        run_id = trial.user_attrs.get("run_id")
        return catalog.get_run_record(run_id) if isinstance(run_id, int) else None
    except CatalogError:  # deleted from the catalog since
        return None
