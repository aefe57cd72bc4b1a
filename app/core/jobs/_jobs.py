"""Jobs: the units of work the window's queue and batch mode run, one after another.

A job knows how to plan itself (fail early on bad input, before the catalog is touched) and
how to run into a catalog with the caller's callbacks and stop token. Training a config,
resuming a run and reproducing one are jobs now; a search or a run launched in a subprocess
are further kinds with the same two methods.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.catalog import Catalog
from app.core.config import RunConfig
from app.core.engine import Callback, CallbackList, Notice, RunControl, SingleDevice, Strategy
from app.core.jobs._study import Trial, after_trial
from app.core.runs import (
    PlannedRun,
    RunOutcome,
    execute,
    plan_reproduction,
    plan_run,
    preflight,
    resume,
)

OnCreated = Callable[[int], None]


class Job:
    """Base of the job kinds; ``label`` names it in queues and logs."""

    @property
    def label(self) -> str:
        raise NotImplementedError

    def plan(self, catalog: Catalog | str | Path | None = None) -> PlannedRun | None:
        """Check everything that can be checked before training (``ModelDeskError``);
        ``catalog`` (or its path) is where a run's ``init_from`` is looked up."""
        raise NotImplementedError

    def run(self, catalog: Catalog, *, callbacks: Sequence[Callback] = (),
            control: RunControl | None = None,
            on_created: OnCreated | None = None,
            strategy: Strategy | None = None) -> RunOutcome:
        """Train into ``catalog``. With a multi-process ``strategy`` (torchrun) every process
        runs the job; only global rank zero writes (``catalog`` may be read-only elsewhere)."""
        raise NotImplementedError


@dataclass(frozen=True)
class TrainJob(Job):
    """Train ``config`` as a new catalog run (a study's trial when ``trial`` is set)."""

    config: RunConfig
    where: str = ""
    trial: Trial | None = None
    parent_run_id: int | None = None

    @property
    def label(self) -> str:
        config = self.config
        return config.name or f"{config.model.architecture} on {Path(config.data.dataset).name}"

    def plan(self, catalog: Catalog | str | Path | None = None) -> PlannedRun:
        """Validate, load the data and check device and starting weights (``preflight``)."""
        planned = plan_run(self.config, where=self.where)
        preflight(planned, where=self.where, catalog=catalog)
        return planned

    def run(self, catalog: Catalog, *, callbacks: Sequence[Callback] = (),
            control: RunControl | None = None,
            on_created: OnCreated | None = None,
            strategy: Strategy | None = None) -> RunOutcome:
        planned = self.plan(catalog)  # the dataset is memoised, so planning again is cheap
        strategy = strategy or SingleDevice()
        trial = self.trial
        study_id = strategy.on_zero(lambda: trial.study.ensure(catalog)) if trial else None
        outcome = execute(planned, catalog, callbacks=callbacks, control=control,
                          parent_run_id=self.parent_run_id, study_id=study_id,
                          trial_number=trial.number if trial else None,
                          on_created=on_created, strategy=strategy)
        if study_id is not None and strategy.is_global_zero:
            after_trial(catalog, study_id)
        return outcome


@dataclass(frozen=True)
class ResumeJob(Job):
    """Continue a stopped, failed or interrupted catalog run from its last checkpoint."""

    run_id: int

    @property
    def label(self) -> str:
        return f"resume run {self.run_id}"

    def plan(self, catalog: Catalog | str | Path | None = None) -> None:
        return None  # planned against the catalog when it runs

    def run(self, catalog: Catalog, *, callbacks: Sequence[Callback] = (),
            control: RunControl | None = None,
            on_created: OnCreated | None = None,
            strategy: Strategy | None = None) -> RunOutcome:
        if on_created is not None:
            on_created(self.run_id)
        strategy = strategy or SingleDevice()
        outcome = resume(catalog, self.run_id, callbacks=callbacks, control=control,
                         strategy=strategy)
        study_id = catalog.get_run_record(self.run_id).study_id
        if study_id is not None and strategy.is_global_zero:  # a trial resumed: the study's
            after_trial(catalog, study_id)  # best and status may change
        return outcome


@dataclass(frozen=True)
class ReproduceJob(Job):
    """Train a catalog run's stored config again as a new run that records ``reproduces``.

    Planned against the catalog it runs in (the run, its dataset and any ``init_from`` run
    are looked up there). A changed dataset fingerprint is a warning ``Notice`` before
    training, not an error: callers that can ask first do so (``plan_reproduction``).
    """

    run_id: int

    @property
    def label(self) -> str:
        return f"reproduce run {self.run_id}"

    def plan(self, catalog: Catalog | str | Path | None = None) -> PlannedRun | None:
        if not isinstance(catalog, Catalog):
            return None  # planned against the catalog when it runs
        return plan_reproduction(catalog, self.run_id).planned

    def run(self, catalog: Catalog, *, callbacks: Sequence[Callback] = (),
            control: RunControl | None = None,
            on_created: OnCreated | None = None,
            strategy: Strategy | None = None) -> RunOutcome:
        reproduction = plan_reproduction(catalog, self.run_id)
        if reproduction.dataset_changed:
            CallbackList(callbacks).on_notice(Notice(reproduction.warning(), "warning"))
        return execute(reproduction.planned, catalog, callbacks=callbacks, control=control,
                       on_created=on_created, reproduces_run_id=reproduction.original.id,
                       name=reproduction.name, strategy=strategy)
