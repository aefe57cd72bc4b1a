"""Reproducing a catalog run with real tiny trainings on CPU: the same seed gives exactly the
same test metrics and per-epoch curves, the new run links to the original (and keeps a
fine-tuned original's parent), a changed dataset is a warning before training, and a bad
reference names the run and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_image_folder, write_text_table
from runs_events import EventLog, Planner

from app.core.catalog import Catalog
from app.core.engine import Notice
from app.core.errors import ConfigError, DatasetError
from app.core.jobs import ReproduceJob, job_from_json, job_to_json
from app.core.runs import execute, make_config, plan_reproduction, plan_run

EPOCH_CURVES = ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr")


def _curves(catalog: Catalog, run_id: int) -> dict[str, list[tuple[int, float | None]]]:
    history = catalog.get_run(run_id).history
    return {key: [(point.step, point.value) for point in history[key]] for key in EPOCH_CURVES}


def _assert_same_results(catalog: Catalog, original: int, copy: int) -> None:
    first, second = catalog.get_run_record(original), catalog.get_run_record(copy)
    assert second.status == "completed", second.message
    assert dict(second.test_metrics) == dict(first.test_metrics)  # every number, exactly
    assert (second.best_epoch, second.best_val_metric) == (first.best_epoch,
                                                           first.best_val_metric)
    curves = _curves(catalog, original)
    assert all(curves[key] for key in ("train_loss", "val_accuracy"))
    assert _curves(catalog, copy) == curves
    assert dict(second.config) == dict(first.config)


def test_a_text_run_reproduces_exactly_and_links_to_the_original(
        plan: Planner, catalog: Catalog) -> None:
    original = execute(plan(epochs=3, seed=5, lr=0.05), catalog).run_id
    events = EventLog()

    outcome = ReproduceJob(original).run(catalog, callbacks=(events,))

    _assert_same_results(catalog, original, outcome.run_id)
    copy = catalog.get_run_record(outcome.run_id)
    assert copy.reproduces_run_id == original and copy.parent_run_id is None
    assert copy.name == f"tiny (reproduces #{original})"
    assert not events.of(Notice)  # the same data: nothing to warn about
    assert [run.id for run in catalog.list_runs(reproduces_run_id=original)] == [copy.id]


def test_an_augmented_image_run_reproduces_exactly(tmp_path: Path, catalog: Catalog) -> None:
    folder = write_image_folder(tmp_path / "colours", per_class=10, size=16)
    values = {"dataset": str(folder), "model": "small_cnn", "epochs": 2, "batch_size": 8,
              "image_size": 16, "augment": "light", "threads": 1, "device": "cpu", "seed": 3}
    original = execute(plan_run(make_config(values)), catalog).run_id
    uid_prefix = catalog.get_run_record(original).uid[:8]

    outcome = ReproduceJob(int(plan_reproduction(catalog, uid_prefix).original.id)).run(catalog)

    _assert_same_results(catalog, original, outcome.run_id)


def test_a_fine_tuned_run_reproduces_from_the_same_parent(
        plan: Planner, catalog: Catalog) -> None:
    parent = execute(plan(seed=1), catalog).run_id
    child = execute(plan(init_from=str(parent), seed=2, epochs=2), catalog)
    assert catalog.get_run_record(child.run_id).config["init_from"] == child.parent_uid

    outcome = ReproduceJob(child.run_id).run(catalog)

    _assert_same_results(catalog, child.run_id, outcome.run_id)
    copy = catalog.get_run_record(outcome.run_id)
    assert (copy.parent_run_id, copy.reproduces_run_id) == (parent, child.run_id)
    lineage = catalog.lineage(parent)
    assert {run.id for run in lineage.descendants} == {child.run_id, copy.id}  # siblings


def test_a_changed_dataset_warns_before_training_and_still_trains(
        plan: Planner, catalog: Catalog, table: Path) -> None:
    original = execute(plan(), catalog).run_id
    write_text_table(table, rows_per_class=11)  # one more row per class: a new fingerprint
    events = EventLog()

    reproduction = plan_reproduction(catalog, str(original))
    outcome = ReproduceJob(original).run(catalog, callbacks=(events,))

    assert reproduction.dataset_changed
    assert f"changed since run {original}" in reproduction.warning()
    assert [(n.text, n.level) for n in events.of(Notice)] == [(reproduction.warning(),
                                                               "warning")]
    assert events.kinds().index("Notice") < events.kinds().index("RunStarted")
    assert outcome.status == "completed"


@pytest.mark.parametrize(("reference", "error", "fragment"), [
    ("42", ConfigError, "run 42: .* has no run with that id or uid"),
    ("abcdefab", ConfigError, "run abcdefab: .* at least the first 6 digits"),
    ("gone", DatasetError, "gone.csv"),
], ids=["unknown-id", "unknown-uid", "dataset-gone"])
def test_a_bad_reference_names_the_problem_and_creates_no_run(
        plan: Planner, catalog: Catalog, tmp_path: Path, reference: str, error: type,
        fragment: str) -> None:
    execute(plan(), catalog)
    if reference == "gone":
        moved = write_text_table(tmp_path / "gone.csv", rows_per_class=10)
        reference = str(execute(plan(dataset=str(moved)), catalog).run_id)
        moved.unlink()
    before = catalog.list_runs(limit=None)

    with pytest.raises(error, match=fragment):
        plan_reproduction(catalog, reference)

    assert catalog.list_runs(limit=None) == before


def test_a_reproduce_job_survives_the_saved_queue() -> None:
    assert job_from_json(job_to_json(ReproduceJob(7))) == ReproduceJob(7)
    with pytest.raises(ConfigError, match="a saved reproduce job needs a run id"):
        job_from_json({"kind": "reproduce", "run_id": "7"})
