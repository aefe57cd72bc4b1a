"""Jobs the window's queue and batch mode run: train a config, resume or reproduce a run,
run a search, train a run in N local processes (``LaunchedJob``: torchrun started for the
window), each with one event stream for whoever watches."""

from app.core.jobs._event_lines import decode_event, encode_event
from app.core.jobs._events import JobEnded, RunCreated
from app.core.jobs._jobs import Job, ReproduceJob, ResumeJob, TrainJob
from app.core.jobs._launched import MAX_PROCESSES, LaunchedJob
from app.core.jobs._search_job import SearchJob
from app.core.jobs._serialize import job_from_json, job_to_json
from app.core.jobs._study import GRID, StudyPlan, Trial, after_trial

__all__ = ["GRID", "MAX_PROCESSES", "Job", "JobEnded", "LaunchedJob", "ReproduceJob",
           "ResumeJob", "RunCreated", "SearchJob", "StudyPlan", "TrainJob", "Trial",
           "after_trial", "decode_event", "encode_event", "job_from_json", "job_to_json"]
