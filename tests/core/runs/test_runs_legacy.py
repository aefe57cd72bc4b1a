"""A catalog of the d2263c9 release, opened by today's ModelDesk: its stopped run resumes in
place, its completed runs are analysed and served, and its unversioned configs read as
version 1. These are the files real users have, so all of it must keep working."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import torch
from legacy_assets import COMPLETED_RUNS, STOPPED_RUN, install_legacy_catalog
from runs_events import EventLog

from app.core.analysis import error_diff, test_results
from app.core.catalog import Catalog, latest_version, thaw
from app.core.config import CONFIG_VERSION, VERSION_KEY, RunConfig, run_param, stored_version
from app.core.datasets import load_dataset
from app.core.engine import EpochEnd, RunStarted
from app.core.inference import Predictor
from app.core.models import RunFolder, load_bundle, read_bundle, read_predictions
from app.core.runs import resume

WORDS = {"cooking": "bake oven flour stir pan", "sports": "goal match team score coach",
         "weather": "rain cloud storm sunny wind"}


@pytest.fixture
def legacy_catalog(tmp_path: Path) -> Catalog:
    """The installed asset opened with ``Catalog`` (which upgrades the copy to today's schema)."""
    catalog = Catalog(install_legacy_catalog(tmp_path / "legacy"))
    assert catalog.schema_version() == latest_version()
    return catalog


def test_the_stopped_run_resumes_to_completion_in_its_own_folder(legacy_catalog: Catalog):
    catalog = legacy_catalog
    before = catalog.get_run_record(STOPPED_RUN)
    first_val_loss = catalog.history([STOPPED_RUN], ["val_loss"])[STOPPED_RUN]["val_loss"][0]
    legacy_preprocessing = json.loads((before.run_dir / "preprocessing.json").read_text())
    assert (before.status, before.epochs_done, before.run_dir.name) == ("stopped", 1, "4")
    assert not (before.run_dir / "bundle.json").exists()

    log = EventLog()
    outcome = resume(catalog, STOPPED_RUN, callbacks=(log,))

    run = catalog.get_run_record(STOPPED_RUN)
    assert (outcome.run_id, outcome.uid, outcome.status) == (STOPPED_RUN, before.uid,
                                                             "completed")
    assert (run.status, run.epochs_done, run.uid) == ("completed", 3, before.uid)
    assert run.test_accuracy is not None and catalog.count_runs() == 4
    assert log.of(RunStarted)[0].start_epoch == 1
    assert [e.epoch for e in log.of(EpochEnd)] == [2, 3]
    history = catalog.history([STOPPED_RUN], ["val_loss"])[STOPPED_RUN]["val_loss"]
    assert [point.epoch for point in history] == [1, 2, 3]
    assert history[0] == first_val_loss
    assert run.run_dir == before.run_dir
    bundle = read_bundle(run.run_dir)
    assert bundle.run_uid == before.uid
    assert bundle.preprocessing.to_json() == {k: v for k, v in legacy_preprocessing.items()
                                              if k != "class_names"}
    assert {"bundle", "predictions", "weights"} <= {
        a.kind for a in catalog.get_run(STOPPED_RUN).artifacts}
    assert load_bundle(run.run_dir)[1] == bundle
    assert len(test_results(catalog, STOPPED_RUN).samples) == 18


def test_legacy_test_results_join_their_dataset(legacy_catalog: Catalog) -> None:
    run = legacy_catalog.get_run_record(1)
    dataset = load_dataset(run.config["dataset"])

    results = test_results(legacy_catalog, 1)

    assert results.dataset_available and results.note == ""
    assert results.class_names == read_bundle(run.run_dir).class_names == tuple(WORDS)
    assert results.confusion_matrix() == run.test_metrics["confusion_matrix"]
    assert results.accuracy == pytest.approx(run.test_accuracy)
    for sample in results.samples:
        assert sample.text == dataset.texts[sample.index]
        assert sample.sample_id == dataset.sample_ids[sample.index]


def test_legacy_class_names_come_from_the_first_layout_bundle(tmp_path: Path) -> None:
    """With the dataset record's class names blanked, only the weights header and
    preprocessing.json can name the classes."""
    path = install_legacy_catalog(tmp_path / "legacy")
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE datasets SET class_names = '[]'")

    results = test_results(Catalog(path), 3)

    assert results.class_names == ("bar", "dot")
    assert {s.true_label for s in results.samples} == {"bar", "dot"}
    assert all(s.image_path is not None and s.image_path.is_file() for s in results.samples)


def test_error_diff_compares_two_legacy_runs(legacy_catalog: Catalog) -> None:
    diff = error_diff(legacy_catalog, 1, 2)
    right = {}
    for run_id in (1, 2):
        stored = read_predictions(RunFolder(legacy_catalog.run_dir(run_id)).predictions)
        right[run_id] = dict(zip(stored.indices.tolist(),
                                 (stored.predicted == stored.targets).tolist(), strict=True))

    assert diff.comparable, diff.reason
    assert diff.broke  # run 2 (a weak transformer) gets some of run 1's right ones wrong
    assert {s.index for s in diff.fixed} == {i for i in right[1] if right[2][i] and not right[1][i]}
    assert {s.index for s in diff.broke} == {i for i in right[1] if right[1][i] and not right[2][i]}
    assert diff.both_right == sum(right[1][i] and right[2][i] for i in right[1])
    assert len(diff.fixed) + len(diff.broke) + diff.both_wrong + diff.both_right == 18
    assert all(s.text and s.true_label in WORDS for s in (*diff.fixed, *diff.broke))


@pytest.mark.parametrize("run_id", COMPLETED_RUNS)
def test_the_predictor_serves_legacy_runs_as_they_were_tested(legacy_catalog: Catalog,
                                                              run_id: int) -> None:
    predictor = Predictor.from_run(legacy_catalog, run_id)
    results = test_results(legacy_catalog, run_id)
    items = [s.text if s.text is not None else s.image_path for s in results.samples]

    probabilities = torch.tensor(predictor.probabilities(items))
    top = predictor.predict(items, top_k=1)

    stored = read_predictions(RunFolder(legacy_catalog.run_dir(run_id)).predictions)
    assert predictor.bundle.run_uid is None
    assert torch.allclose(probabilities, torch.from_numpy(stored.probabilities).float(),
                          atol=1e-5)
    assert [scores[0].class_name for scores in top] == [s.predicted_label
                                                        for s in results.samples]


def test_a_sentence_of_one_class_words_gets_that_class(legacy_catalog: Catalog) -> None:
    predictor = Predictor.from_run(legacy_catalog, 1)
    top = predictor.predict(list(WORDS.values()), top_k=1)
    assert [scores[0].class_name for scores in top] == list(WORDS)


@pytest.mark.parametrize("run_id", [*COMPLETED_RUNS, STOPPED_RUN])
def test_stored_legacy_configs_read_as_version_1(legacy_catalog: Catalog, run_id: int):
    stored = legacy_catalog.get_run_record(run_id).config
    assert VERSION_KEY not in stored and stored_version(stored) == 1

    config = RunConfig.from_stored(stored, where=f"run {run_id}")

    assert config.to_dict()[VERSION_KEY] == CONFIG_VERSION > 1
    # the upgrade keeps every setting: freeze_backbone became train_layers (v3), the keys
    # added since then take their defaults
    expected = thaw(stored)
    expected["train_layers"] = "head" if expected.pop("freeze_backbone") else "all"
    added = {k: v for k, v in config.values().items() if k not in expected}
    assert {**expected, **added} == config.values()
    assert set(added) == {"init_from", "trainable_blocks", "augment", "aug_hflip",
                          "aug_vflip", "aug_rotation", "aug_crop_scale", "aug_color",
                          "label_changes"}
    assert all(config.values()[k] == run_param(k).default for k in added)
    assert RunConfig.from_stored(config.to_dict()) == config


def test_a_first_layout_checkpoint_takes_its_best_weights_from_the_weights_file(
        legacy_catalog: Catalog) -> None:
    """First-layout checkpoints did not carry the best epoch's weights; when the best epoch
    is not the last, resuming must take them from model.safetensors or restore_best would
    test the wrong weights."""
    from app.core.engine import load_checkpoint, load_weights, save_checkpoint
    from app.core.runs._execute import _resume_state

    folder = RunFolder(legacy_catalog.get_run_record(STOPPED_RUN).run_dir)
    state = load_checkpoint(folder.checkpoint)
    assert "best_model" not in state and state["best"]["epoch"] == state["epoch"]
    assert "best_model" not in _resume_state(folder)  # best is the last: nothing to add
    later = {key: value for key, value in state.items() if key not in ("format", "version")}
    save_checkpoint(folder.checkpoint, {**later, "epoch": state["epoch"] + 1})
    resumed = _resume_state(folder)
    best, _ = load_weights(folder.weights)
    assert resumed["best_model"].keys() == best.keys()
    assert all(torch.equal(resumed["best_model"][k], best[k]) for k in best)
