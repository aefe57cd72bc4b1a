"""Studies: a grid or search whose trials are runs; counts, best trial, idempotent creation."""

from __future__ import annotations

import dataclasses
import multiprocessing
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.catalog import Catalog, StudyRecord, thaw
from app.core.errors import CatalogError

RunFactory = Callable[..., int]
SPACE = {"lr": [0.1, 0.01], "batch_size": [16, 32]}


def _study(catalog: Catalog, **overrides: Any) -> int:
    values: dict[str, Any] = {"name": "lr grid", "kind": "grid", "space": SPACE, "sampler": "grid"}
    values.update(overrides)
    return catalog.create_study(**values)


def _trial(catalog: Catalog, make_run: RunFactory, study_id: int, number: int, *,
           status: str = "completed", best: tuple[str, float] | None = None,
           test_accuracy: float | None = None) -> int:  # fmt: skip
    run_id = make_run(name=f"trial {number}", study_id=study_id, trial_number=number)
    if best is not None:
        catalog.update_progress(run_id, epochs_done=1, best_val_metric_name=best[0],
                                best_val_metric=best[1])  # fmt: skip
    if status != "queued":
        metrics = None if test_accuracy is None else {"accuracy": test_accuracy}
        catalog.finish_run(run_id, status=status, test_metrics=metrics)
    return run_id


def test_create_and_get_a_study(catalog: Catalog):
    study_id = _study(catalog, kind="search", sampler="tpe", metric="val_loss",
                      direction="minimize", planned_trials=20,
                      settings={"budget": {"minutes": 30}})  # fmt: skip
    study = catalog.get_study(study_id)
    assert isinstance(study, StudyRecord)
    assert (study.id, study.name, study.kind, study.sampler) == (study_id, "lr grid", "search",
                                                                  "tpe")  # fmt: skip
    assert (study.metric, study.direction, study.planned_trials) == ("val_loss", "minimize", 20)
    assert thaw(study.space) == SPACE and thaw(study.settings) == {"budget": {"minutes": 30}}
    assert (study.status, study.finished_at, study.best_run_id) == ("running", None, None)
    assert len(study.uid) == 32 and study.created_at
    assert (dict(study.trial_counts), study.trials) == ({}, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        study.status = "completed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        study.space["lr"] = []  # type: ignore[index]


def test_bad_study_arguments_are_refused(catalog: Catalog):
    cases = [
        ({"kind": "random"}, "unknown study kind 'random'"),
        ({"direction": "up"}, "unknown direction 'up'"),
        ({"planned_trials": 0}, "planned_trials must be a positive number"),
        ({"name": "  "}, "a study needs a name"),
        ({"uid": "not-a-uid"}, "is not a catalog uid"),
        ({"space": {"lr": object()}}, "search space cannot be stored"),
    ]
    for overrides, message in cases:
        with pytest.raises(CatalogError, match=message):
            _study(catalog, **overrides)
    assert catalog.list_studies() == []
    with pytest.raises(CatalogError, match="no study 5"):
        catalog.get_study(5)


def test_trials_belong_to_their_study_and_are_counted(catalog: Catalog, make_run: RunFactory):
    grid, other = _study(catalog), _study(catalog, name="other")
    done = [_trial(catalog, make_run, grid, n) for n in (1, 2)]
    pruned = _trial(catalog, make_run, grid, 3, status="pruned")
    queued = _trial(catalog, make_run, grid, 4, status="queued")
    trashed = _trial(catalog, make_run, grid, 5, status="failed")
    _trial(catalog, make_run, other, 1)
    make_run(name="not a trial")
    catalog.trash_runs([trashed])

    study = catalog.get_study(grid)
    assert dict(study.trial_counts) == {"completed": 2, "pruned": 1, "queued": 1}
    assert study.trials == 4  # the trashed trial left the study's table
    listed = {s.id: s for s in catalog.list_studies()}
    assert [s.id for s in catalog.list_studies()] == [grid, other]
    assert dict(listed[grid].trial_counts) == dict(study.trial_counts)
    assert (listed[other].trials, dict(listed[other].trial_counts)) == (1, {"completed": 1})
    trials = catalog.list_runs(study_id=grid, sort="trial_number")
    assert [run.id for run in trials] == [*done, pruned, queued]
    assert [run.trial_number for run in trials] == [1, 2, 3, 4]
    assert all(run.study_id == grid for run in trials)


def test_a_trial_needs_an_existing_study(catalog: Catalog, make_run: RunFactory):
    with pytest.raises(CatalogError, match="no study 42"):
        make_run(study_id=42, trial_number=1)
    with pytest.raises(CatalogError, match="trial number needs the study"):
        make_run(trial_number=1)
    assert catalog.count_runs() == 0


def test_finish_study(catalog: Catalog):
    study_id = _study(catalog)
    catalog.finish_study(study_id, "stopped")
    study = catalog.get_study(study_id)
    assert study.status == "stopped" and study.finished_at is not None
    with pytest.raises(CatalogError, match="cannot finish as 'running'"):
        catalog.finish_study(study_id, "running")
    with pytest.raises(CatalogError, match="no study 77"):
        catalog.finish_study(77, "completed")


def test_reopen_study_continues_a_finished_study_with_a_new_budget(catalog: Catalog):
    study_id = _study(catalog, settings={"pruner": "median"})
    catalog.finish_study(study_id, "stopped")

    catalog.reopen_study(study_id, planned_trials=20, settings={"pruner": "none"})

    study = catalog.get_study(study_id)
    assert (study.status, study.finished_at, study.planned_trials) == ("running", None, 20)
    assert thaw(study.settings) == {"pruner": "none"}
    catalog.reopen_study(study_id, planned_trials=None)  # settings kept when not given
    assert thaw(catalog.get_study(study_id).settings) == {"pruner": "none"}
    with pytest.raises(CatalogError, match="planned_trials"):
        catalog.reopen_study(study_id, planned_trials=0)
    with pytest.raises(CatalogError, match="no study 77"):
        catalog.reopen_study(77, planned_trials=3)


def test_ensure_study_returns_the_existing_study_for_a_known_uid(catalog: Catalog):
    uid = uuid.uuid4().hex
    first = catalog.ensure_study(name="search", kind="search", space=SPACE, sampler="tpe", uid=uid)
    again = catalog.ensure_study(name="search", kind="search", space=SPACE, sampler="tpe", uid=uid)
    assert first == again and [s.id for s in catalog.list_studies()] == [first]
    assert catalog.get_study(first).uid == uid
    with pytest.raises(CatalogError, match=f"study {first} in .* already has the uid {uid}"):
        _study(catalog, uid=uid)


def _ensure_in_process(path: str, uid: str, results: Any) -> None:
    catalog = Catalog(path)
    results.put(catalog.ensure_study(name="shared", kind="search", space=SPACE,
                                     sampler="random", uid=uid))  # fmt: skip


def test_processes_ensuring_one_study_create_it_once(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    Catalog(path).close()
    uid = uuid.uuid4().hex
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [
        context.Process(target=_ensure_in_process, args=(str(path), uid, results))
        for _ in range(3)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0, 0, 0]
    ids = {results.get(timeout=5) for _ in processes}
    assert len(ids) == 1 and [s.id for s in Catalog(path).list_studies()] == list(ids)


@pytest.mark.parametrize(
    ("metric", "direction", "winner"),
    [("val_accuracy", None, 2), ("val_accuracy", "minimize", 1), ("val_loss", None, 4),
     ("test_accuracy", None, 1), (None, None, 2)],
)  # fmt: skip
def test_update_study_best_by_metric_and_direction(
    catalog: Catalog, make_run: RunFactory, metric: str | None, direction: str | None,
    winner: int,
):  # fmt: skip
    study_id = _study(catalog, metric=metric, direction=direction)
    trials = {
        1: _trial(catalog, make_run, study_id, 1, best=("val_accuracy", 0.70), test_accuracy=0.9),
        2: _trial(catalog, make_run, study_id, 2, best=("val_accuracy", 0.80), test_accuracy=0.6),
        3: _trial(catalog, make_run, study_id, 3, best=("val_accuracy", 0.95), status="pruned"),
        4: _trial(catalog, make_run, study_id, 4, best=("val_loss", 0.30), test_accuracy=0.5),
        5: _trial(catalog, make_run, study_id, 5, best=("val_loss", 0.10), status="queued"),
    }
    best = catalog.update_study_best(study_id)
    assert best == trials[winner]
    assert catalog.get_study(study_id).best_run_id == best


def test_best_ties_go_to_the_earliest_trial_and_trash_never_wins(
    catalog: Catalog, make_run: RunFactory
):
    study_id = _study(catalog, metric="val_accuracy")
    late = _trial(catalog, make_run, study_id, 9, best=("val_accuracy", 0.8))
    early = _trial(catalog, make_run, study_id, 2, best=("val_accuracy", 0.8))
    top = _trial(catalog, make_run, study_id, 5, best=("val_accuracy", 0.99))
    catalog.trash_runs([top])
    assert catalog.update_study_best(study_id) == early
    assert late


def test_no_best_without_a_qualifying_trial_or_a_direction(
    catalog: Catalog, make_run: RunFactory
):
    empty = _study(catalog)
    assert catalog.update_study_best(empty) is None
    unknown = _study(catalog, metric="epochs")  # the name tells no direction
    _trial(catalog, make_run, unknown, 1, best=("epochs", 3.0))
    assert catalog.update_study_best(unknown) is None
    told = _study(catalog, metric="epochs", direction="minimize")
    chosen = _trial(catalog, make_run, told, 1, best=("epochs", 3.0))
    assert catalog.update_study_best(told) == chosen
    with pytest.raises(CatalogError, match="no study 99"):
        catalog.update_study_best(99)


def test_deleting_the_best_trial_clears_best_run_id(catalog: Catalog, make_run: RunFactory):
    study_id = _study(catalog, metric="val_accuracy")
    best = _trial(catalog, make_run, study_id, 1, best=("val_accuracy", 0.9))
    other = _trial(catalog, make_run, study_id, 2, best=("val_accuracy", 0.5))
    assert catalog.update_study_best(study_id) == best
    catalog.delete_run(best)
    assert catalog.get_study(study_id).best_run_id is None
    catalog.trash_runs([other])
    catalog.empty_trash()
    study = catalog.get_study(study_id)
    assert (study.trials, study.best_run_id) == (0, None)
