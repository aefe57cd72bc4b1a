"""Fine-tuning from a catalog run (``init_from`` = a run id or uid prefix), with real trainings:
the child starts from the parent's weights (all, or all but the head), encodes its data as the
parent did, records its parent, and every bad reference is refused before the catalog hears
of the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from factories import write_image_folder, write_text_table
from runs_events import EventLog, Planner

from app.core.catalog import Catalog
from app.core.engine import EpochEnd, RunControl
from app.core.errors import ConfigError
from app.core.models import load_bundle, read_bundle
from app.core.runs import execute, make_config, plan_run, preflight, resume
from app.core.runs._execute import build_for
from app.core.runs._init_from import in_head, resolve_parent


def _trained(plan: Planner, catalog: Catalog, **overrides: Any) -> tuple[int, dict[str, Any]]:
    """A completed run and its best weights (as the bundle saved them)."""
    outcome = execute(plan(**overrides), catalog)
    assert outcome.status == "completed"
    module, _ = load_bundle(catalog.run_dir(outcome.run_id))
    return outcome.run_id, module.state_dict()


def _child_model(plan: Planner, catalog: Catalog, **overrides: Any) -> tuple[Any, Any]:
    planned = plan(**overrides)
    parent = resolve_parent(planned, catalog)
    assert parent is not None
    _, bundle, model = build_for(planned, parent=parent)
    return bundle, model.state_dict()


def test_same_classes_start_from_all_of_the_parents_best_weights(
        plan: Planner, catalog: Catalog) -> None:
    parent_id, best = _trained(plan, catalog, seed=1)

    _, state = _child_model(plan, catalog, init_from=str(parent_id), seed=7)

    assert state.keys() == best.keys()
    assert all(torch.equal(state[name], best[name]) for name in best)


def test_the_child_records_its_parent_and_lineage_runs_both_ways(
        plan: Planner, catalog: Catalog) -> None:
    parent_id, _ = _trained(plan, catalog)
    uid = catalog.get_run_record(parent_id).uid

    child = execute(plan(init_from=uid[:8], name="child"), catalog)
    grandchild = execute(plan(init_from=str(child.run_id), name="grandchild"), catalog)

    assert child.status == grandchild.status == "completed"
    assert (child.parent_run_id, child.parent_uid) == (parent_id, uid)
    assert catalog.get_run_record(grandchild.run_id).parent_run_id == child.run_id
    # the stored config names the parent by its full uid (ids differ between catalogs)
    assert catalog.get_run_record(grandchild.run_id).config["init_from"] == child.uid
    assert catalog.get_run_record(child.run_id).config["init_from"] == uid
    down = catalog.lineage(parent_id)
    assert [run.id for run in down.descendants] == [child.run_id, grandchild.run_id]
    up = catalog.lineage(grandchild.run_id)
    assert [run.id for run in up.ancestors] == [child.run_id, parent_id]


def test_other_classes_keep_the_backbone_and_get_a_fresh_head(
        plan: Planner, catalog: Catalog, tmp_path: Path) -> None:
    parent_id, best = _trained(plan, catalog)
    # as many classes as the parent, other names: the head must still start fresh
    other = write_text_table(tmp_path / "other.csv", rows_per_class=10,
                             classes=("spam", "ham", "sports"))

    bundle, state = _child_model(plan, catalog, dataset=str(other), init_from=str(parent_id))
    _, _, scratch = build_for(plan(dataset=str(other)))  # same seed, no parent

    spec_head = plan().spec
    head = [name for name in state if in_head(name, spec_head)]
    body = [name for name in state if not in_head(name, spec_head)]
    assert head and body
    assert all(torch.equal(state[name], best[name]) for name in body)
    fresh = scratch.state_dict()
    assert all(torch.equal(state[name], fresh[name]) for name in head)
    assert not any(torch.equal(state[name], best[name]) for name in head)
    assert bundle.class_names == ("ham", "spam", "sports")


def test_a_text_child_reuses_the_parents_vocabulary(plan: Planner, catalog: Catalog,
                                                    tmp_path: Path) -> None:
    parent_id, _ = _trained(plan, catalog)
    other = write_text_table(tmp_path / "spam.csv", rows_per_class=10, classes=("spam", "ham"))

    outcome = execute(plan(dataset=str(other), init_from=str(parent_id)), catalog)

    assert outcome.status == "completed"
    parent_pre = read_bundle(catalog.run_dir(parent_id)).preprocessing
    child_pre = read_bundle(catalog.run_dir(outcome.run_id)).preprocessing
    assert child_pre == parent_pre
    # the child's own keywords were never in the parent's vocabulary: they read as unknown
    assert child_pre.vocabulary.encode("prize winner", 8) == [1, 1]


def test_a_stopped_child_resumes_with_its_recorded_parent(plan: Planner, catalog: Catalog,
                                                          tmp_path: Path) -> None:
    parent_id, _ = _trained(plan, catalog)
    other = write_text_table(tmp_path / "spam.csv", rows_per_class=10, classes=("spam", "ham"))
    control = RunControl()
    log = EventLog(at_epoch_end=lambda _event: control.request_stop())
    stopped = execute(plan(dataset=str(other), init_from=str(parent_id), epochs=3), catalog,
                      callbacks=(log,), control=control)
    assert stopped.status == "stopped"

    resumed = resume(catalog, stopped.run_id)

    assert resumed.status == "completed" and resumed.parent_run_id == parent_id
    assert len(log.of(EpochEnd)) == 1
    parent_pre = read_bundle(catalog.run_dir(parent_id)).preprocessing
    assert read_bundle(catalog.run_dir(stopped.run_id)).preprocessing == parent_pre


def test_an_image_child_keeps_the_parents_size_and_normalisation(
        tmp_path: Path, catalog: Catalog) -> None:
    def planned(folder: Path, **overrides: Any):  # noqa: ANN202 - a PlannedRun
        values = {"dataset": str(folder), "model": "lenet5", "epochs": 1, "batch_size": 8,
                  "threads": 1, "device": "cpu", **overrides}
        return plan_run(make_config(values))

    colours = write_image_folder(tmp_path / "colours", per_class=8, size=12)
    greys = write_image_folder(tmp_path / "greys", classes=("black", "white"), per_class=8,
                               size=20, seed=3)
    parent = execute(planned(colours, image_size=16), catalog)

    child = execute(planned(greys, init_from=str(parent.run_id)), catalog)

    assert child.status == "completed" and child.parent_run_id == parent.run_id
    parent_pre = read_bundle(catalog.run_dir(parent.run_id)).preprocessing
    assert read_bundle(catalog.run_dir(child.run_id)).preprocessing == parent_pre
    with pytest.raises(ConfigError, match="image_size = 20.*set 16") as error:
        preflight(planned(greys, init_from=str(parent.run_id), image_size=20), catalog=catalog)
    assert "image_size" in error.value.fields


def test_a_local_weights_file_still_starts_a_run(plan: Planner, catalog: Catalog) -> None:
    parent_id, best = _trained(plan, catalog)
    weights = catalog.run_dir(parent_id) / "model.safetensors"

    _, _, model = build_for(plan(weights=str(weights), seed=5))

    state = model.state_dict()
    assert all(torch.equal(state[name], best[name]) for name in best)
    assert catalog.count_runs() == 1


@pytest.fixture
def family(plan: Planner, catalog: Catalog, tmp_path: Path) -> dict[str, Any]:
    """A trained text run, a run that never saved weights, and runs with a shared prefix."""
    parent_id, _ = _trained(plan, catalog)
    dataset_id = catalog.get_run_record(parent_id).dataset_id

    def bare(uid: str) -> int:
        return catalog.create_run(name="bare", model="bag_of_embeddings", dataset_id=dataset_id,
                                  config={}, seed=0, total_epochs=1, environment={}, uid=uid)

    return {"parent": parent_id, "empty": bare("abcdef01" + "0" * 24),
            "twin": bare("abcdef02" + "0" * 24), "images": tmp_path / "img"}


@pytest.mark.parametrize(("overrides", "fields", "match"), [
    ({"init_from": "999"}, ("init_from",), "no run with that id or uid"),
    ({"init_from": "abcdef"}, ("init_from",), "ambiguous: it matches run 2 .* run 3"),
    ({"init_from": "abcdef01"}, ("init_from",), "run 2 .* has no usable weights"),
    ({"init_from": "1", "model": "textcnn"}, ("init_from", "model"),
     "is a bag_of_embeddings model but this run's model is textcnn; set model = "
     "\"bag_of_embeddings\""),
    ({"init_from": "1", "weights": "PARENT"}, ("init_from", "weights"), "keep one of them"),
    ({"init_from": "1", "max_length": 5}, ("max_length", "init_from"), "leave max_length"),
    ({"init_from": "1", "model_options": {"embed_dim": 8}}, ("init_from", "model_options"),
     "do not fit this model"),
], ids=["unknown", "ambiguous", "no-weights", "architecture", "weights-too", "max-length",
        "options"])
def test_bad_references_are_refused_before_the_catalog_hears_of_the_run(
        plan: Planner, catalog: Catalog, family: dict[str, Any], overrides: dict[str, Any],
        fields: tuple[str, ...], match: str) -> None:
    if overrides.get("weights") == "PARENT":
        overrides["weights"] = str(catalog.run_dir(family["parent"]) / "model.safetensors")
    before = catalog.count_runs()

    with pytest.raises(ConfigError, match=match) as error:
        preflight(plan(**overrides), where="exp", catalog=catalog.path)

    assert str(error.value).startswith("exp: ")
    assert error.value.fields == fields
    assert catalog.count_runs() == before


def test_another_data_kind_is_refused(plan: Planner, catalog: Catalog, tmp_path: Path) -> None:
    parent_id, _ = _trained(plan, catalog)
    images = write_image_folder(tmp_path / "img", per_class=4, size=8)
    image_plan = plan_run(make_config({"dataset": str(images), "model": "lenet5",
                                       "init_from": str(parent_id)}))

    with pytest.raises(ConfigError, match="trained on text data but .* holds image data"):
        preflight(image_plan, catalog=catalog)


def test_no_catalog_file_yet_is_refused_without_creating_one(plan: Planner,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "catalog.sqlite"

    with pytest.raises(ConfigError, match="no catalog at .* yet"):
        preflight(plan(init_from="1"), catalog=path)

    assert not path.parent.exists()
