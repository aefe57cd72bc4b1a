"""Jobs as JSON: what a saved queue holds reads back as the same jobs, and bad data is named."""

from __future__ import annotations

import json

import pytest

from app.core.config import RunConfig
from app.core.errors import ConfigError
from app.core.jobs import ResumeJob, StudyPlan, TrainJob, Trial, job_from_json, job_to_json

CONFIG = RunConfig.from_mapping({"dataset": "/data/topics.csv", "model": "textcnn", "lr": 0.01,
                                 "model_options": {"kernel_sizes": [2, 3]}, "name": "x"})


def test_jobs_round_trip_through_json() -> None:
    study = StudyPlan(name="sweep", kind="grid", space={"lr": [0.1, 0.01]}, sampler="grid",
                      planned_trials=2)
    jobs = [ResumeJob(7), TrainJob(CONFIG, where="f.toml, experiment 1"),
            TrainJob(CONFIG, trial=Trial(study, 1), parent_run_id=3)]
    for job in jobs:
        text = json.dumps(job_to_json(job))  # plain JSON, storable anywhere
        again = job_from_json(json.loads(text))
        assert again == job and again.label == job.label
    trial = job_from_json(job_to_json(jobs[2])).trial
    assert (trial.study.uid, trial.study.space, trial.number) == (study.uid, study.space, 1)


@pytest.mark.parametrize(("data", "words"), [
    ([], "must be a JSON object"),
    ({"kind": "search"}, "a saved search job needs its plan"),
    ({"kind": "sweep"}, "unknown saved job kind 'sweep'"),
    ({"kind": "resume", "run_id": "7"}, "needs a run id"),
    ({"kind": "train", "config": {"model": "textcnn"}}, "'dataset' is required"),
    ({"kind": "train", "config": {**CONFIG.to_dict(), "lr": -1}}, "'lr' must be"),
    ({"kind": "train", "config": CONFIG.to_dict(), "trial": {"number": 1}}, "incomplete"),
])
def test_bad_saved_jobs_are_refused_with_the_reason(data: object, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        job_from_json(data)
