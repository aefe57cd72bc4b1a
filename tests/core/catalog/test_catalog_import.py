"""Importing runs between catalogs: matched by uid, whole (metrics, files, lineage, studies),
the source never changed, a second import adds nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.errors import CatalogError
from app.core.statuses import COMPLETED, RUNNING
from tests.core.catalog.catalog_files import table_rows


def _worker_catalog(path: Path, *, name: str = "w", runs: int = 2) -> tuple[Catalog, list[int]]:
    """A catalog as a search worker leaves it: a study's trials with metrics and files."""
    catalog = Catalog(path)
    dataset = catalog.register_dataset("/data/shapes", "image", "fp-1", ["a", "b"],
                                       {"a": 5, "b": 5}, 10, report={"skipped": []})
    study = catalog.create_study(name="search", kind="search", space={"lr": [0.1, 1]},
                                 sampler="tpe", metric="test_accuracy", direction="maximize",
                                 planned_trials=4, uid="5" * 32)
    ids = []
    for number in range(runs):
        run = catalog.create_run(name=f"{name}-{number}", model="mlp", dataset_id=dataset,
                                 config={"epochs": 2, "lr": 0.1 * (number + 1)}, seed=number,
                                 total_epochs=2, environment={"torch": "2.14.1"},
                                 study_id=study, trial_number=number)
        catalog.log_metrics(run, [("train_loss", step, step // 3, 1.0 / (step + 1))
                                  for step in range(6)])
        folder = catalog.run_dir(run)
        folder.mkdir(parents=True, exist_ok=True)
        weights = folder / "model.safetensors"
        weights.write_bytes(bytes([number]) * 1000)
        catalog.add_artifact(run, "weights", weights, "safetensors")
        catalog.add_tag(run, f"tag-{number}")
        catalog.set_notes(run, f"notes {number}")
        catalog.finish_run(run, status=COMPLETED, test_metrics={"accuracy": 0.5 + number / 10})
        ids.append(run)
    catalog.update_study_best(study)
    return catalog, ids


def _finished_child(source: Catalog, parent: int) -> int:
    child = source.create_run(name="tuned", model="mlp",
                              dataset_id=source.get_run_record(parent).dataset_id, config={},
                              seed=0, total_epochs=1, environment={}, parent_run_id=parent)
    source.finish_run(child, status=COMPLETED)
    return child


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_import_copies_runs_metrics_files_tags_and_study(tmp_path: Path) -> None:
    source, source_ids = _worker_catalog(tmp_path / "worker" / "catalog.sqlite")
    source.close()
    before = _fingerprint(source.path)
    desk = Catalog(tmp_path / "desk" / "catalog.sqlite")

    report = desk.import_runs(source.path)

    assert len(report.imported) == 2 and report.already_here == 0
    assert report.datasets_added == 1 and report.studies_added == 1
    assert report.metric_points == 12 and report.files == 2 and report.bytes == 2000
    assert report.problems == ()
    assert _fingerprint(source.path) == before  # opened read-only
    original = Catalog(source.path, read_only=True)
    for source_id in source_ids:
        theirs = original.get_run_record(source_id)
        ours = desk.get_run_by_uid(theirs.uid)
        assert (ours.name, ours.status, ours.config, ours.notes, ours.tags, ours.test_accuracy,
                ours.trial_number) == (theirs.name, theirs.status, theirs.config, theirs.notes,
                                       theirs.tags, theirs.test_accuracy, theirs.trial_number)
        assert desk.history([ours.id])[ours.id] == original.history([source_id])[source_id]
        [artifact] = desk.get_run(ours.id).artifacts
        assert artifact.path.parent == desk.runs_root / theirs.uid
        assert artifact.path.read_bytes() == bytes([source_id - 1]) * 1000
    [study] = desk.list_studies()
    assert study.uid == "5" * 32 and study.trials == 2
    assert desk.get_run_record(study.best_run_id).name == "w-1"  # recomputed here


def test_a_second_import_adds_nothing(tmp_path: Path) -> None:
    source, _ = _worker_catalog(tmp_path / "worker" / "catalog.sqlite")
    desk = Catalog(tmp_path / "desk.sqlite")
    desk.import_runs(source.path)
    tables = {t: table_rows(desk.path, t) for t in ("runs", "metrics", "artifacts", "tags",
                                                    "datasets", "studies")}
    again = desk.import_runs(source.path)
    assert again.imported == () and again.already_here == 2 and again.files == 0
    assert {t: table_rows(desk.path, t) for t in tables} == tables


def test_two_workers_of_one_study_meet_in_one_catalog(tmp_path: Path) -> None:
    first, _ = _worker_catalog(tmp_path / "a" / "catalog.sqlite", name="a", runs=2)
    second, _ = _worker_catalog(tmp_path / "b" / "catalog.sqlite", name="b", runs=3)
    desk = Catalog(tmp_path / "desk.sqlite")
    assert desk.import_runs(first.path).studies_added == 1
    assert desk.import_runs(second.path).studies_added == 0  # the same study, by uid
    [study] = desk.list_studies()
    assert study.trials == 5
    assert desk.get_run_record(study.best_run_id).name == "b-2"  # the best over both workers
    assert len(desk.list_datasets()) == 1  # the same fingerprint at the same path
    assert desk.list_datasets()[0].report == {"skipped": ()}


def test_lineage_is_kept_when_parent_and_child_arrive_together_or_apart(tmp_path: Path) -> None:
    source, (parent, _) = _worker_catalog(tmp_path / "w" / "catalog.sqlite")
    child = _finished_child(source, parent)
    desk = Catalog(tmp_path / "desk.sqlite")
    desk.import_runs(source.path)
    ours = desk.get_run_by_uid(source.get_run_record(child).uid)
    parent_uid = source.get_run_record(parent).uid
    assert desk.get_run_record(ours.parent_run_id).uid == parent_uid
    assert [r.uid for r in desk.lineage(ours.id).ancestors] == [parent_uid]


def test_a_child_whose_parent_is_nowhere_is_imported_unlinked_and_said_so(tmp_path: Path) -> None:
    source, (parent, _) = _worker_catalog(tmp_path / "w" / "catalog.sqlite")
    child = _finished_child(source, parent)
    source.trash_runs([parent])  # the parent stays in the other catalog's trash
    desk = Catalog(tmp_path / "desk.sqlite")
    report = desk.import_runs(source.path)
    assert len(report.imported) == 2
    assert desk.get_run_by_uid(source.get_run_record(child).uid).parent_run_id is None
    assert any("parent_run" in problem and "neither catalog" in problem
               for problem in report.problems)


def test_runs_still_training_wait_for_a_later_import(tmp_path: Path) -> None:
    source, (first, _) = _worker_catalog(tmp_path / "w" / "catalog.sqlite")
    busy = source.create_run(name="busy", model="mlp",
                             dataset_id=source.get_run_record(first).dataset_id, config={},
                             seed=0, total_epochs=1, environment={})
    source.set_status(busy, RUNNING)
    desk = Catalog(tmp_path / "desk.sqlite")
    report = desk.import_runs(source.path)
    assert report.still_training == 1 and "still training" in report.summary()
    source.finish_run(busy, status=COMPLETED)
    later = desk.import_runs(source.path)
    assert len(later.imported) == 1 and later.already_here == 2


def test_a_file_changed_after_it_was_recorded_is_named_not_adopted(tmp_path: Path) -> None:
    source, (first, _) = _worker_catalog(tmp_path / "w" / "catalog.sqlite")
    [artifact] = source.get_run(first).artifacts
    artifact.path.write_bytes(b"tampered")
    desk = Catalog(tmp_path / "desk.sqlite")
    report = desk.import_runs(source.path)
    ours = desk.get_run_by_uid(source.get_run_record(first).uid)
    assert desk.get_run(ours.id).artifacts == ()
    assert any("changed since it was recorded" in problem for problem in report.problems)
    assert report.files == 1


def test_an_import_that_fails_leaves_no_rows_and_no_folders(tmp_path: Path) -> None:
    source, _ = _worker_catalog(tmp_path / "w" / "catalog.sqlite")
    desk = Catalog(tmp_path / "desk.sqlite")
    holder = sqlite3.connect(desk.path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(CatalogError):
            desk.import_runs(source.path)
    finally:
        holder.rollback()
        holder.close()
    assert table_rows(desk.path, "runs") == []
    assert not desk.runs_root.exists() or list(desk.runs_root.iterdir()) == []


@pytest.mark.parametrize("make", ["missing", "not a catalog", "itself"])
def test_bad_sources_are_refused_with_their_path(tmp_path: Path, make: str) -> None:
    desk = Catalog(tmp_path / "desk.sqlite")
    source = {"missing": tmp_path / "nope.sqlite", "not a catalog": tmp_path / "notes.txt",
              "itself": desk.path}[make]
    if make == "not a catalog":
        source.write_text("hello")
    with pytest.raises(CatalogError, match=str(source.name)):
        desk.import_runs(source)
    assert table_rows(desk.path, "runs") == []


def test_an_older_catalog_is_imported_without_being_upgraded(tmp_path: Path) -> None:
    """The d2263c9 asset (schema v2, first run-folder layout): its runs arrive with their files
    in the folders they used there, and their models still load; the source keeps its bytes."""
    from app.core.models import load_bundle
    from tests.legacy_assets import COMPLETED_RUNS, install_legacy_catalog

    source = install_legacy_catalog(tmp_path / "old")
    before = _fingerprint(source)
    desk = Catalog(tmp_path / "desk.sqlite")
    report = desk.import_runs(source)
    assert _fingerprint(source) == before
    assert len(report.imported) == 4 and report.problems == ()
    for run in desk.list_runs(limit=None):
        if run.status == COMPLETED:
            assert run.run_dir.parent == desk.runs_root
            load_bundle(run.run_dir)
    assert len([r for r in desk.list_runs(limit=None) if r.status == COMPLETED]) == len(
        COMPLETED_RUNS)
