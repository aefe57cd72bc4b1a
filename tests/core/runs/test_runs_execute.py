"""``execute``: events reach the caller in order and the catalog says what the outcome says."""

from __future__ import annotations

import math
from importlib import metadata
from pathlib import Path

import pytest
from runs_events import EventLog, Planner

from app.core.catalog import Catalog, default_catalog_path, resolve_catalog_path
from app.core.catalog._files import file_digest
from app.core.engine import Callback, EpochEnd, RunFinished, RunStarted, StepEnd
from app.core.runs import STEP_LOSS, execute


def test_events_arrive_in_order(plan: Planner, catalog: Catalog) -> None:
    log = EventLog()

    outcome = execute(plan(epochs=2), catalog, callbacks=(log,))

    assert outcome.status == "completed"
    started, finished = log.events[0], log.events[-1]
    assert isinstance(started, RunStarted) and isinstance(finished, RunFinished)
    assert (started.total_epochs, started.start_epoch, started.device) == (2, 0, "cpu")
    assert started.train_samples + started.val_samples + started.test_samples == 30
    # per epoch: its steps, then its EpochEnd, then its checkpoint
    expected: list[str] = ["RunStarted"]
    for _ in range(2):
        expected += ["StepEnd"] * 2 + ["EpochEnd", "checkpoint"]
    assert log.kinds() == [*expected, "RunFinished"]
    steps = log.of(StepEnd)
    assert [(s.epoch, s.step) for s in steps] == [(1, 2), (1, 3), (2, 2), (2, 3)]
    assert [s.global_step for s in steps] == [2, 3, 5, 6]
    assert all(s.steps_per_epoch == started.steps_per_epoch == 3 for s in steps)
    assert [e.epoch for e in log.of(EpochEnd)] == [1, 2]
    assert finished.status == "completed" and finished.epochs_done == 2


def test_outcome_agrees_with_the_catalog(plan: Planner, catalog: Catalog) -> None:
    log = EventLog()
    planned = plan(epochs=2)

    outcome = execute(planned, catalog, callbacks=(log,))

    detail = catalog.get_run(outcome.run_id)
    run = detail.run
    assert (run.name, run.status, run.model) == (outcome.name, outcome.status, outcome.model)
    assert run.epochs_done == outcome.epochs_done == run.total_epochs == 2
    assert run.best_epoch == outcome.best_epoch
    assert run.best_val_metric_name == outcome.best_metric_name == "val_loss"
    assert run.best_val_metric == pytest.approx(outcome.best_metric)
    assert run.test_accuracy == pytest.approx(outcome.test_accuracy)
    assert run.test_macro_f1 == pytest.approx(outcome.test_macro_f1)
    assert run.wall_seconds == pytest.approx(outcome.wall_seconds)
    assert detail.dataset is not None
    assert detail.dataset.fingerprint == outcome.fingerprint == planned.dataset.fingerprint
    assert detail.dataset.class_names == ("cooking", "sports", "weather")
    assert dict(run.config) == planned.config.to_dict()
    finished = log.of(RunFinished)[0]
    assert run.test_metrics is not None
    assert run.test_metrics["accuracy"] == pytest.approx(finished.test_metrics["accuracy"])


def test_catalog_holds_history_artifacts_and_environment(plan: Planner,
                                                         catalog: Catalog) -> None:
    log = EventLog()

    outcome = execute(plan(epochs=2), catalog, callbacks=(log,))

    detail = catalog.get_run(outcome.run_id)
    epochs = log.of(EpochEnd)
    for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"):
        assert [p.step for p in detail.history[key]] == [1, 2], key
    assert [p.value for p in detail.history["val_loss"]] == pytest.approx(
        [e.val_loss for e in epochs])
    step_points = detail.history[STEP_LOSS]
    assert [p.step for p in step_points] == [s.global_step for s in log.of(StepEnd)]
    artifacts = {a.kind: a for a in detail.artifacts}
    assert set(artifacts) == {"checkpoint", "weights", "bundle", "predictions"}
    for artifact in artifacts.values():
        assert artifact.path.parent == catalog.run_dir(outcome.run_id)
        assert file_digest(artifact.path) == (artifact.size_bytes, artifact.sha256)
    environment = detail.run.environment
    assert environment["libraries"]["torch"] == metadata.version("torch")
    assert environment["modeldesk"] and environment["python"]
    assert detail.run.device == "cpu" and detail.run.finished_at is not None


def test_training_error_ends_as_a_failed_run_not_an_exception(plan: Planner,
                                                              catalog: Catalog) -> None:
    class Broken(Callback):
        def on_epoch_end(self, event: EpochEnd) -> None:
            raise RuntimeError("display went away")

    outcome = execute(plan(epochs=3), catalog, callbacks=(Broken(),))

    run = catalog.get_run_record(outcome.run_id)
    assert outcome.status == run.status == "failed"
    assert run.message == outcome.message == "RuntimeError: display went away"
    assert run.test_accuracy is None
    assert catalog.resumable(outcome.run_id)


def test_learnable_data_is_learned(plan: Planner, catalog: Catalog) -> None:
    outcome = execute(plan(epochs=3, lr=0.02), catalog)

    assert outcome.test_accuracy is not None and outcome.test_accuracy >= 0.8
    assert not math.isnan(outcome.best_metric or math.nan)


def test_catalog_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--catalog beats $MODELDESK_CATALOG, which beats the user data folder."""
    from_env = tmp_path / "env.sqlite"
    monkeypatch.setenv("MODELDESK_CATALOG", str(from_env))

    assert resolve_catalog_path(None) == from_env
    assert resolve_catalog_path("") == from_env
    assert resolve_catalog_path(tmp_path / "cli.sqlite") == tmp_path / "cli.sqlite"
    monkeypatch.delenv("MODELDESK_CATALOG")
    assert default_catalog_path().name == "catalog.sqlite"
    assert resolve_catalog_path(None) == default_catalog_path()
