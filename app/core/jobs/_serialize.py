"""Jobs as plain JSON, so a queue outlives the process that held it (and, later, a job can be
handed to another process). ``job_from_json`` validates everything it reads back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.config import RunConfig
from app.core.errors import ConfigError
from app.core.jobs._jobs import Job, ReproduceJob, ResumeJob, TrainJob
from app.core.jobs._launched import launched_job
from app.core.jobs._search_job import SearchJob
from app.core.jobs._study import StudyPlan, Trial
from app.core.search import SearchPlan


def job_to_json(job: Job | SearchJob) -> dict[str, Any]:
    if isinstance(job, SearchJob):
        return {"kind": "search", "plan": job.search.to_json()}
    if isinstance(job, ResumeJob):
        return {"kind": "resume", "run_id": job.run_id}
    if isinstance(job, ReproduceJob):
        return {"kind": "reproduce", "run_id": job.run_id}
    if isinstance(job, TrainJob):
        trial = None
        if job.trial is not None:
            study = job.trial.study
            trial = {"number": job.trial.number, "study": {
                "uid": study.uid, "name": study.name, "kind": study.kind,
                "space": dict(study.space), "sampler": study.sampler,
                "planned_trials": study.planned_trials, "metric": study.metric}}
        return {"kind": "train", "config": job.config.to_dict(), "where": job.where,
                "trial": trial, "parent_run_id": job.parent_run_id,
                "processes": getattr(job, "processes", 1)}
    raise ConfigError(f"a {type(job).__name__} cannot be saved")


def job_from_json(data: Any) -> Job | SearchJob:
    """The job ``job_to_json`` described; ``ConfigError`` saying what is wrong otherwise."""
    if not isinstance(data, Mapping):
        raise ConfigError("a saved job must be a JSON object")
    kind = data.get("kind")
    if kind in ("resume", "reproduce"):
        run_id = data.get("run_id")
        if isinstance(run_id, bool) or not isinstance(run_id, int):
            raise ConfigError(f"a saved {kind} job needs a run id, got {run_id!r}")
        return ResumeJob(run_id) if kind == "resume" else ReproduceJob(run_id)
    if kind == "train":
        where = str(data.get("where") or "")
        config = RunConfig.from_stored(data.get("config") or {}, where=where or "saved job")
        job = TrainJob(config, where=where, trial=_trial(data.get("trial")),
                       parent_run_id=data.get("parent_run_id"))
        return launched_job(data, job)
    if kind == "search":
        plan = data.get("plan")
        if not isinstance(plan, Mapping):
            raise ConfigError("a saved search job needs its plan")
        return SearchJob(SearchPlan.from_json(plan))
    raise ConfigError(f"unknown saved job kind {kind!r}")


def _trial(data: Any) -> Trial | None:
    if data is None:
        return None
    try:
        study = data["study"]
        plan = StudyPlan(name=str(study["name"]), kind=str(study["kind"]),
                         space=dict(study["space"]), sampler=str(study["sampler"]),
                         planned_trials=study.get("planned_trials"), uid=str(study["uid"]),
                         metric=study.get("metric"))
        return Trial(plan, int(data["number"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigError(f"a saved trial is incomplete ({error})") from None
