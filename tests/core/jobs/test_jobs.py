"""TrainJob and ResumeJob: plan before the catalog, one event stream, the same run resumed.

The window's queue and batch mode only ever see jobs, so what a watcher can rely on is pinned
down here: bad input fails in ``plan`` (nothing written anywhere), ``RunCreated`` arrives before
any training event, and a resume announces and continues the run it was given.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.engine import (
    Callback,
    EpochEnd,
    EventStream,
    RunControl,
    RunFinished,
    RunStarted,
    StepEnd,
)
from app.core.errors import ConfigError, DatasetError
from app.core.jobs import GRID, ResumeJob, RunCreated, StudyPlan, TrainJob, Trial


class StopAfter(Callback):
    """Presses Stop once ``epoch`` has ended, as the window's Stop button would."""

    def __init__(self, epoch: int, control: RunControl) -> None:
        self.epoch, self.control = epoch, control

    def on_epoch_end(self, event: EpochEnd) -> None:
        if event.epoch == self.epoch:
            self.control.request_stop()


def _watch(job, catalog: Catalog, **kwargs) -> tuple[object, list[object]]:  # noqa: ANN001
    """Run ``job`` with one record stream for ``RunCreated`` and the engine's events."""
    records: list[object] = []
    outcome = job.run(catalog, callbacks=(EventStream(records.append),),
                      on_created=lambda run_id: records.append(RunCreated(run_id)), **kwargs)
    return outcome, records


@pytest.mark.parametrize(("overrides", "error", "words"), [
    ({"model": "small_cnn"}, ConfigError, "is for image data"),
    ({"model_options": {"depth": 3}}, ConfigError, "no option 'depth'"),
    ({"weights": "missing/weights.safetensors"}, ConfigError, "does not exist"),
    ({"dataset": "missing/topics.csv"}, DatasetError, "does not exist"),
], ids=["wrong-kind", "unknown-option", "missing-weights", "missing-dataset"])
def test_plan_refuses_bad_input_before_any_catalog_exists(
        config, catalog_path: Path, tmp_path: Path, overrides, error, words) -> None:
    overrides = {k: str(tmp_path / v) if k in ("dataset", "weights") else v
                 for k, v in overrides.items()}
    job = TrainJob(config(**overrides), where="queue.toml, experiment 1")

    with pytest.raises(error, match=words) as raised:
        job.plan()

    assert str(raised.value).startswith("queue.toml, experiment 1: ")
    assert not catalog_path.exists() and not catalog_path.parent.exists()


def test_a_bad_trial_leaves_an_open_catalog_without_study_run_or_dataset(
        config, catalog_path: Path, tmp_path: Path) -> None:
    study = StudyPlan(name="sweep", kind=GRID, space={"lr": [0.01]}, sampler=GRID,
                      planned_trials=1)
    job = TrainJob(config(dataset=str(tmp_path / "gone.csv")), trial=Trial(study, 0))
    catalog = Catalog(catalog_path)

    with pytest.raises(DatasetError):
        job.run(catalog)

    assert catalog.list_studies() == [] and catalog.count_runs() == 0
    assert catalog.list_datasets() == []


def test_train_job_announces_its_run_before_training_and_completes(
        config, catalog_path: Path) -> None:
    catalog = Catalog(catalog_path)
    seen_at_creation: list[tuple[str, int]] = []
    records: list[object] = []

    def created(run_id: int) -> None:
        seen_at_creation.append((catalog.get_run_record(run_id).status, len(records)))
        records.append(RunCreated(run_id))

    job = TrainJob(config(epochs=2))
    outcome = job.run(catalog, callbacks=(EventStream(records.append),), on_created=created)

    assert outcome.finished.status == outcome.status == "completed"
    assert records[0] == RunCreated(outcome.run_id)
    assert seen_at_creation == [("queued", 0)]  # the row existed; no event had been sent
    assert isinstance(records[1], RunStarted)
    assert any(isinstance(r, StepEnd) for r in records)
    assert [r.epoch for r in records if isinstance(r, EpochEnd)] == [1, 2]
    assert isinstance(records[-1], RunFinished) and records[-1] == outcome.finished
    run = catalog.get_run_record(outcome.run_id)
    assert (run.status, run.epochs_done, run.name) == ("completed", 2, job.label)
    assert run.study_id is None and run.trial_number is None
    assert job.label == "bag_of_embeddings on topics.csv"  # no name: what the queue lists


def test_resume_job_continues_a_stopped_run_under_its_id(config, catalog_path: Path) -> None:
    control = RunControl()
    stopped = TrainJob(config(epochs=3, name="long")).run(
        Catalog(catalog_path), callbacks=(StopAfter(1, control),), control=control)
    assert (stopped.status, stopped.epochs_done) == ("stopped", 1)

    job = ResumeJob(stopped.run_id)
    assert job.label == f"resume run {stopped.run_id}" and job.plan() is None
    resumed, records = _watch(job, Catalog(catalog_path))

    assert resumed.run_id == stopped.run_id and resumed.status == "completed"
    assert records[0] == RunCreated(stopped.run_id)
    assert records[1].start_epoch == 1
    assert [r.epoch for r in records if isinstance(r, EpochEnd)] == [2, 3]
    catalog = Catalog(catalog_path)
    assert catalog.count_runs() == 1
    run = catalog.get_run_record(stopped.run_id)
    assert (run.status, run.epochs_done, run.name) == ("completed", 3, "long")
