"""Jobs the window's queue and batch mode run: train a config, resume or reproduce a run,
run a search (later: a run in a subprocess), each with one event stream for whoever watches."""

from app.core.jobs._events import JobEnded, RunCreated
from app.core.jobs._jobs import Job, ReproduceJob, ResumeJob, TrainJob
from app.core.jobs._search_job import SearchJob
from app.core.jobs._serialize import job_from_json, job_to_json
from app.core.jobs._study import GRID, StudyPlan, Trial, after_trial

__all__ = ["GRID", "Job", "JobEnded", "ReproduceJob", "ResumeJob", "RunCreated", "SearchJob",
           "StudyPlan",
           "TrainJob", "Trial", "after_trial", "job_from_json", "job_to_json"]
