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
import socket
from collections.abc import Iterator
from typing import Any

from app.core.catalog import Catalog, is_interrupted, pid_alive
from app.core.errors import CatalogError
from app.core.statuses import COMPLETED, DIVERGED, FAILED, PRUNED, QUEUED, RUNNING

FATE = "fate"  # user attribute of a trial told FAIL by this code
FAILED_FATE, INTERRUPTED_FATE, INVALID_FATE = "failed", "interrupted", "invalid"


def objective(metric: str, *, best_name: str | None, best: float | None,
              test_accuracy: float | None, test_macro_f1: float | None) -> float | None:
    """The value a completed run scores on ``metric``; ``None`` when it has none."""
    if metric.startswith("val_"):
        value = best if best_name == metric else None
    else:
        value = test_accuracy if metric == "test_accuracy" else test_macro_f1
    return float(value) if value is not None and math.isfinite(value) else None


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
    status = _run_status(catalog, trial.user_attrs.get("run_id"))
    return "finished" if status in (FAILED, DIVERGED) else "interrupted"


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
    from optuna.trial import TrialState

    interrupted = []
    for trial in _abandoned(study, catalog):
        run = _run(catalog, trial.user_attrs.get("run_id"))
        status = run.status if run is not None else None
        if status == COMPLETED:
            value = objective(metric, best_name=run.best_val_metric_name,
                              best=run.best_val_metric, test_accuracy=run.test_accuracy,
                              test_macro_f1=run.test_macro_f1)
            if value is not None:
                study.tell(trial.number, value)
                continue
        if status == PRUNED and trial.intermediate_values:
            study.tell(trial.number, state=TrialState.PRUNED)
            continue
        study.tell(trial.number, state=TrialState.FAIL)
        if status not in (FAILED, DIVERGED, COMPLETED):  # stopped, interrupted, no run yet
            interrupted.append(trial.number)
            study.enqueue_trial(dict(trial.params))
    return interrupted


def _abandoned(study: Any, catalog: Catalog) -> Iterator[Any]:
    from optuna.trial import TrialState

    host = socket.gethostname()
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        run = _run(catalog, trial.user_attrs.get("run_id"))
        if run is not None and run.status in (RUNNING, QUEUED):
            if is_interrupted(run):
                yield trial
            continue
        if run is None and trial.user_attrs.get("host") == host:
            pid = trial.user_attrs.get("pid")
            if isinstance(pid, int) and pid_alive(pid):
                continue  # asked by a live process that has not created its run yet
        yield trial


def _run(catalog: Catalog, run_id: object) -> Any:
    if not isinstance(run_id, int):
        return None
    try:
        return catalog.get_run_record(run_id)
    except CatalogError:  # deleted from the catalog since
        return None


def _run_status(catalog: Catalog, run_id: object) -> str | None:
    run = _run(catalog, run_id)
    return None if run is None else run.status
