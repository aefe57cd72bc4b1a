"""A run launched as two local processes (what the window does on a workstation with several
GPUs, here on the CPU with gloo): the watching process gets the run's events back from real
torchrun processes, the catalog holds one run of world size 2, and a stop ends it stopped."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.engine import EpochEnd, EventStream, RunControl, RunFinished, RunStarted, StepEnd
from app.core.errors import ConfigError
from app.core.jobs import (
    LaunchedJob,
    RunCreated,
    TrainJob,
    decode_event,
    encode_event,
    job_from_json,
    job_to_json,
)
from app.core.runs import make_config

TOPICS = Path(__file__).resolve().parents[3] / "resources" / "samples" / "topics.csv"


def _config(epochs: int = 3):  # noqa: ANN202
    return make_config({"dataset": str(TOPICS), "model": "bag_of_embeddings", "epochs": epochs,
                        "batch_size": 16, "seed": 0, "threads": 1, "name": "two processes"})


def test_events_survive_the_trip_between_processes() -> None:
    events = [RunCreated(7), StepEnd(1, 2, 10, 2, 0.5, 0.01, 123.0, 4096),
              EpochEnd(1, 3, 10, 0.7, 0.5, None, None, 0.01, 1.5, True, "val_loss",
                       math.nan, 1)]
    back = [decode_event(encode_event(event)) for event in events]
    assert back[:2] == events[:2]
    assert back[2].val_loss is None and math.isnan(back[2].best_metric)
    assert decode_event("epoch 1/3 train loss 0.7") is None  # other output is ignored
    assert decode_event("MODELDESK-EVENT {not json") is None


def test_a_launched_job_is_saved_and_read_back_with_its_process_count() -> None:
    job = LaunchedJob(_config(), processes=3)
    again = job_from_json(job_to_json(job))
    assert isinstance(again, LaunchedJob) and again.processes == 3
    assert type(job_from_json(job_to_json(TrainJob(_config())))) is TrainJob
    with pytest.raises(ConfigError, match="processes must be 2 to 64"):
        LaunchedJob(_config(), processes=1)


def test_two_local_processes_train_one_run_and_report_it(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    seen: list[object] = []
    created: list[int] = []
    outcome = LaunchedJob(_config(), processes=2).run(
        catalog, callbacks=(EventStream(seen.append),), on_created=created.append)
    assert outcome.status == "completed", outcome.message
    assert created == [outcome.run_id]
    [started] = [e for e in seen if isinstance(e, RunStarted)]
    assert started.world_size == 2
    assert [e.epoch for e in seen if isinstance(e, EpochEnd)] == [1, 2, 3]
    assert isinstance(seen[-1], RunFinished) and seen[-1].status == "completed"
    [run] = catalog.list_runs(limit=None)
    assert run.environment["distributed"]["world_size"] == 2 and run.status == "completed"


def test_a_stop_reaches_every_process_and_the_run_ends_stopped(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    control = RunControl()

    def stop_after_first_epoch(event: object) -> None:
        if isinstance(event, EpochEnd):
            control.request_stop()

    outcome = LaunchedJob(_config(epochs=50), processes=2).run(
        catalog, callbacks=(EventStream(stop_after_first_epoch),), control=control)
    assert outcome.status == "stopped" and outcome.epochs_done < 50
    assert catalog.resumable(outcome.run_id)
