"""Running a search: Optuna's ask/tell loop, each trial an ordinary catalog run.

``run_search`` is what batch mode and (next) the window's Search view call, the latter from a
worker thread: the engine's events of every trial reach ``callbacks``, the search's own
records (``SearchStarted``, ``TrialStarted``, ``TrialEnded``) reach ``on_event``, and
``control`` (the engine's ``RunControl``) stops the running trial within a step and the search
with it. Calling it again with the same plan and catalog continues the study: finished
trials are never run again, trials cut short are run again with the same values.

Ask/tell rather than ``study.optimize``: the loop decides between trials whether to go on
(stop requested, trials or time budget spent, grid done) and the run's outcome, not an
exception, says how the trial ended.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

from app.core.catalog import Catalog
from app.core.engine import Callback, RunControl
from app.core.errors import ConfigError
from app.core.runs import RunOutcome, execute, plan_run, recover_interrupted
from app.core.search._events import (
    INVALID,
    SearchOutcome,
    SearchStarted,
    TrialEnded,
    TrialStarted,
    WaitingForWorkers,
)
from app.core.search._optuna import load_study, make_sampler, storage_name
from app.core.search._plan import KIND, SearchPlan
from app.core.search._pruning import PruningCallback
from app.core.search._shared import Heartbeat, given_back, places_taken
from app.core.search._space import encode_choice
from app.core.search._trials import (
    FAILED_FATE,
    FATE,
    HEARTBEAT,
    INTERRUPTED_FATE,
    INVALID_FATE,
    fate,
    finished_count,
    objective,
    seconds_spent,
    settle_abandoned,
)
from app.core.statuses import COMPLETED, PRUNED

OnEvent = Callable[[object], None]
POLL_S = 2.0  # how often a worker waiting for the others looks at the shared study


def study_settings(plan: SearchPlan, catalog: Catalog) -> dict[str, Any]:
    """What the catalog keeps of a search beyond its columns: the pruner, the budget, where
    Optuna's state is, and the plan itself (so a window can continue it from the catalog)."""
    return {**plan.settings.to_dict(),
            "optuna_storage": storage_name(catalog.path, plan.settings.storage),
            "optuna_study": plan.optuna_name, "plan": plan.to_json()}


def run_search(plan: SearchPlan, catalog: Catalog, *, callbacks: Sequence[Callback] = (),
               control: RunControl | None = None, on_event: OnEvent | None = None,
               on_created: Callable[[int], None] | None = None) -> SearchOutcome:
    """Run (or continue) ``plan`` into ``catalog`` until its budget is spent or a stop."""
    control = control or RunControl()
    emit = on_event or (lambda record: None)
    settings = plan.settings
    study = load_study(plan, catalog.path, seed=plan.sampler_seed)  # an unreachable storage:
    study_id = catalog.ensure_study(                                   # no catalog row yet
        uid=plan.uid, name=plan.name, kind=KIND, space=dict(plan.space_table),
        sampler=settings.sampler, metric=settings.metric, direction=settings.direction,
        planned_trials=plan.planned_trials, settings=study_settings(plan, catalog))
    recover_interrupted(catalog)  # runs of a killed session become interrupted first
    interrupted = settle_abandoned(study, catalog, settings.metric)
    study.sampler = make_sampler(plan, plan.sampler_seed + len(study.trials))
    loop = _Loop(plan, catalog, study, study_id, control, emit)
    finished_before = finished_count(study, catalog)
    if catalog.get_study(study_id).status != "running" and loop.reason() is None:
        catalog.reopen_study(study_id, planned_trials=plan.planned_trials,
                             settings=study_settings(plan, catalog))
    emit(SearchStarted(study_id, plan.uid, plan.name, plan.planned_trials, finished_before,
                       tuple(interrupted)))
    outcomes: list[RunOutcome] = []
    while (reason := loop.reason()) is None:
        if loop.waiting_for_others():
            continue
        outcome = loop.trial(callbacks, on_created)
        if outcome is not None:
            outcomes.append(outcome)
    best = catalog.update_study_best(study_id)
    status = "stopped" if reason == "stopped" else "completed"
    if catalog.get_study(study_id).status == "running":
        catalog.finish_study(study_id, status)
    return SearchOutcome(study_id, plan.uid, plan.name, status, reason,
                         finished_count(study, catalog), best, loop.best_value(best),
                         tuple(outcomes))


class _Loop:
    """One session's trials; ``reason`` says why it must end, ``trial`` runs the next one."""

    def __init__(self, plan: SearchPlan, catalog: Catalog, study: Any, study_id: int,
                 control: RunControl, emit: OnEvent) -> None:
        self.plan, self.catalog, self.study, self.study_id = plan, catalog, study, study_id
        self.control, self.emit = control, emit
        self.started = time.monotonic()
        self.spent_before = seconds_spent(study)
        self._waiting = False  # said so once per wait

    def reason(self) -> str | None:
        settings = self.plan.settings
        if self.control.stop_requested:
            return "stopped"
        planned = self.plan.planned_trials
        if planned is not None and finished_count(self.study, self.catalog) >= planned:
            return "grid" if settings.sampler == "grid" and settings.trials is None else "trials"
        elapsed = self.spent_before + time.monotonic() - self.started
        if settings.timeout is not None and elapsed >= settings.timeout:
            return "timeout"
        if settings.sampler == "grid" and self._next_grid_point() is None:
            return "grid"
        return None

    def waiting_for_others(self) -> bool:
        """In a shared search, settle dead workers' trials; then, when live ones running on
        other workers hold the rest of the budget, wait a moment for them (``True``)."""
        if not self.plan.settings.shared:
            return False
        settle_abandoned(self.study, self.catalog, self.plan.settings.metric)
        planned = self.plan.planned_trials
        taken = None if planned is None else places_taken(self.study, self.catalog)
        if taken is None or taken < planned:
            return False
        finished = finished_count(self.study, self.catalog)
        if not self._waiting:
            self.emit(WaitingForWorkers(self.study_id, taken - finished, finished))
        self._waiting = True
        self.control.wait_for_stop(POLL_S)
        return True

    def trial(self, callbacks: Sequence[Callback],
              on_created: Callable[[int], None] | None) -> RunOutcome | None:
        from optuna.trial import TrialState

        grid = self.plan.settings.sampler == "grid"
        if grid:
            self.study.enqueue_trial(self._next_grid_point())
        trial = self.study.ask()
        if self.plan.settings.shared:  # before the pid: with a pid, a trial needs a heartbeat
            trial.set_user_attr(HEARTBEAT, time.time())
        trial.set_user_attr("host", socket.gethostname())
        trial.set_user_attr("pid", os.getpid())
        if self.plan.settings.shared:
            why = given_back(self.study, trial, self.catalog, self.plan.planned_trials, grid)
            if why is not None:  # another worker holds that place or that grid point
                trial.set_user_attr("given_back", why)
                self._fail(trial, INTERRUPTED_FATE)
                return None
        self._waiting = False
        try:
            params = self.plan.space.suggest(trial)
            config = self.plan.trial_config(params, trial.number)
            planned = plan_run(config, where=f"{self.plan.where}, trial {trial.number}")
        except ConfigError as error:  # values the settings refuse: this trial only
            self._fail(trial, INVALID_FATE)
            self._ended(trial, {}, INVALID, None, None, str(error))
            return None
        except BaseException:
            self._fail(trial, INTERRUPTED_FATE)
            raise
        self.emit(TrialStarted(self.study_id, trial.number, params, planned.name))

        def created(run_id: int) -> None:
            trial.set_user_attr("run_id", run_id)
            trial.set_user_attr("run_uid", self.catalog.get_run_record(run_id).uid)
            if on_created is not None:
                on_created(run_id)

        pruning = PruningCallback(trial, self.plan.settings.monitor)
        beating = Heartbeat(self.study, trial) if self.plan.settings.shared else nullcontext()
        try:
            with beating:
                outcome = execute(planned, self.catalog, callbacks=(*callbacks, pruning),
                                  control=self.control, study_id=self.study_id,
                                  trial_number=trial.number, on_created=created)
        except BaseException:  # a second Ctrl-C, a catalog or data error: not finished
            self._fail(trial, INTERRUPTED_FATE)
            raise
        value = None
        if outcome.status == COMPLETED:
            value = objective(self.plan.settings.metric, best_name=outcome.best_metric_name,
                              best=outcome.best_metric, test_accuracy=outcome.test_accuracy,
                              test_macro_f1=outcome.test_macro_f1)
        if value is not None:
            self.study.tell(trial, value)
        elif outcome.status == PRUNED and pruning.reported:
            self.study.tell(trial, state=TrialState.PRUNED)
        elif outcome.status in (COMPLETED, PRUNED) or outcome.status in ("failed", "diverged"):
            self._fail(trial, FAILED_FATE)
        else:  # stopped: not finished; its values are run again when the search continues
            self._fail(trial, INTERRUPTED_FATE)
            self.study.enqueue_trial(dict(trial.params))
        self._ended(trial, params, outcome.status, value, outcome, outcome.message)
        return outcome

    def best_value(self, best_run_id: int | None) -> float | None:
        if best_run_id is None:
            return None
        run = self.catalog.get_run_record(best_run_id)
        return objective(self.plan.settings.metric, best_name=run.best_val_metric_name,
                         best=run.best_val_metric, test_accuracy=run.test_accuracy,
                         test_macro_f1=run.test_macro_f1)

    def _fail(self, trial: Any, why: str) -> None:
        from optuna.trial import TrialState

        trial.set_user_attr(FATE, why)
        self.study.tell(trial, state=TrialState.FAIL)

    def _ended(self, trial: Any, params: dict, status: str, value: float | None,
               outcome: RunOutcome | None, message: str) -> None:
        best = self.catalog.update_study_best(self.study_id)
        self.emit(TrialEnded(self.study_id, trial.number, params, status, value,
                             outcome.run_id if outcome else None, best, self.best_value(best),
                             message, outcome))

    def _next_grid_point(self) -> dict[str, Any] | None:
        """The first grid combination no finished, running or waiting trial has."""
        taken = set()
        for frozen in self.study.get_trials(deepcopy=False):
            if fate(frozen, self.catalog) != "interrupted":
                taken.add(_key(frozen.params))
        for point in self.plan.space.grid_points():
            encoded = {key: encode_choice(value) for key, value in point.items()}
            if _key(encoded) not in taken:
                return encoded
        return None


def _key(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True)
