"""Stop, resume and reproducibility through the run layer and the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from factories import write_text_table
from runs_events import EventLog, Planner
from safetensors.torch import load_file

from app.core.catalog import Catalog
from app.core.engine import EpochEnd, RunControl, RunStarted
from app.core.errors import CatalogError, ConfigError
from app.core.runs import execute, resume


def _weights(catalog: Catalog, run_id: int) -> dict[str, torch.Tensor]:
    return load_file(str(catalog.run_dir(run_id) / "model.safetensors"))


def _stop_after(epoch: int, control: RunControl) -> EventLog:
    return EventLog(at_epoch_end=lambda e: control.request_stop() if e.epoch == epoch else None)


def test_stop_requested_by_a_callback_then_resume_completes_the_same_run(
        plan: Planner, catalog: Catalog) -> None:
    control = RunControl()

    stopped = execute(plan(epochs=3), catalog, callbacks=(_stop_after(1, control),),
                      control=control)

    run = catalog.get_run_record(stopped.run_id)
    assert stopped.status == run.status == "stopped"
    assert stopped.epochs_done == run.epochs_done == 1
    assert run.message == "stopped after epoch 1 of 3"
    assert stopped.test_accuracy is None and run.test_accuracy is None
    assert "checkpoint" in {a.kind for a in catalog.get_run(stopped.run_id).artifacts}
    assert catalog.resumable(stopped.run_id)

    log = EventLog()
    resumed = resume(catalog, stopped.run_id, callbacks=(log,))

    assert resumed.run_id == stopped.run_id
    assert log.of(RunStarted)[0].start_epoch == 1
    assert [e.epoch for e in log.of(EpochEnd)] == [2, 3]
    run = catalog.get_run_record(stopped.run_id)
    assert (resumed.status, run.status, run.epochs_done) == ("completed", "completed", 3)
    assert run.test_accuracy == pytest.approx(resumed.test_accuracy)
    assert catalog.count_runs() == 1
    history = catalog.history([run.id], ["train_loss", "val_accuracy"])[run.id]
    assert [p.step for p in history["train_loss"]] == [1, 2, 3]
    assert [p.step for p in history["val_accuracy"]] == [1, 2, 3]


def test_stopped_and_resumed_equals_uninterrupted(plan: Planner, catalog: Catalog) -> None:
    """Batch order, dropout and optimiser state all come back from the checkpoint."""
    straight = execute(plan(epochs=3, name="straight"), catalog)
    control = RunControl()
    stopped = execute(plan(epochs=3, name="resumed"), catalog,
                      callbacks=(_stop_after(2, control),), control=control)
    torch.manual_seed(999)  # resuming must not depend on the RNG state it finds

    resumed = resume(catalog, stopped.run_id)

    assert resumed.test_accuracy == straight.test_accuracy
    assert resumed.test_macro_f1 == straight.test_macro_f1
    assert resumed.best_epoch == straight.best_epoch
    ours, theirs = _weights(catalog, resumed.run_id), _weights(catalog, straight.run_id)
    assert ours.keys() == theirs.keys()
    assert all(torch.equal(ours[k], theirs[k]) for k in ours)


def test_same_config_and_seed_twice_is_identical(plan: Planner, catalog: Catalog) -> None:
    first = execute(plan(epochs=2, seed=5), catalog)
    second = execute(plan(epochs=2, seed=5), catalog)
    other_seed = execute(plan(epochs=2, seed=6), catalog)

    a, b = catalog.get_run_record(first.run_id), catalog.get_run_record(second.run_id)
    assert a.test_metrics == b.test_metrics
    assert (first.test_accuracy, first.best_metric) == (second.test_accuracy, second.best_metric)
    ours, theirs = _weights(catalog, first.run_id), _weights(catalog, second.run_id)
    assert all(torch.equal(ours[k], theirs[k]) for k in ours)
    different = _weights(catalog, other_seed.run_id)
    assert any(not torch.equal(ours[k], different[k]) for k in ours)


def test_resume_refuses_when_the_dataset_changed(plan: Planner, catalog: Catalog,
                                                 table: Path) -> None:
    control = RunControl()
    stopped = execute(plan(epochs=3), catalog, callbacks=(_stop_after(1, control),),
                      control=control)
    write_text_table(table, rows_per_class=10, seed=1)  # same file, other rows

    with pytest.raises(ConfigError, match="changed since the run started"):
        resume(catalog, stopped.run_id)

    run = catalog.get_run_record(stopped.run_id)
    assert (run.status, run.epochs_done) == ("stopped", 1)


def test_resume_refuses_a_completed_run(plan: Planner, catalog: Catalog) -> None:
    done = execute(plan(epochs=1), catalog)

    with pytest.raises(CatalogError, match=f"run {done.run_id} is completed"):
        resume(catalog, done.run_id)

    assert catalog.count_runs() == 1
