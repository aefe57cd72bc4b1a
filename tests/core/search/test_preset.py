""""Find the best model": the preset's plan for image and text data, and in a tiny budget a
named best run with its reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_image_folder, write_text_table

from app.core.catalog import Catalog
from app.core.errors import ConfigError
from app.core.experiments import read_experiments
from app.core.jobs import SearchJob
from app.core.palette import get_spec, list_specs
from app.core.search import Choice, Range, best_model_plan, best_run_report, run_search


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_text_table(tmp_path_factory.mktemp("data") / "table.csv", rows_per_class=8)


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_image_folder(tmp_path_factory.mktemp("data") / "images", per_class=6)


@pytest.mark.parametrize("kind", ["image", "text"])
def test_the_preset_draws_every_model_of_the_kind_and_their_key_settings(
        kind: str, table: Path, images: Path) -> None:
    dataset = images if kind == "image" else table
    plan = best_model_plan("best", {"dataset": str(dataset), "epochs": 1}, timeout=60)

    space = plan.space
    fitting = [s.name for s in list_specs(kind) if s.pretrained is None or s.pretrained.available]
    assert space.models == tuple(fitting)
    assert any(get_spec(m).pretrained for m in fitting)  # the packages are installed here
    lr = space.get("lr")
    assert isinstance(lr, Range) and lr.log and lr.low < 1e-3 < lr.high
    assert isinstance(space.get("batch_size"), Choice)
    dropout = space.get("model_options.dropout")
    assert dropout is not None and set(dropout.models or fitting) <= {
        m for m in fitting if "dropout" in get_spec(m).option_names}
    assert plan.settings.timeout == 60 and plan.settings.trials is None
    SearchJob(plan).plan()  # the data loads and every drawn model fits it


def test_a_preset_in_an_experiment_file(table: Path, tmp_path: Path) -> None:
    path = tmp_path / "best.toml"
    path.write_text(f'[[experiment]]\nname = "best"\ndataset = "{table}"\nepochs = 1\n\n'
                    '[experiment.search]\npreset = "best_model"\ntimeout = 30\n',
                    encoding="utf-8")

    (experiment,) = read_experiments(path)

    assert experiment.search.space.models[0] == "bag_of_embeddings"
    assert experiment.search.settings.timeout == 30


def test_a_preset_with_its_own_space_or_an_unknown_preset_is_refused(table: Path) -> None:
    values = {"dataset": str(table)}
    with pytest.raises(ConfigError, match="either a preset or"):
        best_model_plan("x", values, space={"lr": [0.1]})
    with pytest.raises(ConfigError, match="unknown search preset 'fastest'") as error:
        from app.core.search import SearchPlan

        SearchPlan.from_tables("x", values, {"preset": "fastest", "timeout": 5}, "test")
    assert error.value.fields == ("search.preset",)


def test_a_tiny_budget_names_the_best_run_and_why(table: Path, tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    plan = best_model_plan("best", {"dataset": str(table), "epochs": 1, "threads": 1},
                           timeout=600, trials=3, pruner="none", sampler="random", seed=3)

    outcome = run_search(plan, catalog)

    report = best_run_report(catalog, outcome.study_id)
    assert report is not None and report.run_id == outcome.best_run_id
    best = catalog.get_run_record(report.run_id)
    assert (report.model, report.value) == (best.model, best.best_val_metric)
    assert report.parameters is not None and report.parameters > 0
    assert report.seconds_per_epoch == pytest.approx(best.wall_seconds / best.epochs_done)
    assert f"run {best.id}" in report.line and best.model in report.line
    assert "parameters" in report.line and "s per epoch" in report.line
    others = [r for r in catalog.list_runs(study_id=outcome.study_id, limit=None)
              if r.model != best.model and r.status == "completed"]
    if others:
        assert report.runner_up is not None and report.runner_up[1] <= report.value


def test_a_plan_read_back_from_the_catalog_is_the_same_search(table: Path,
                                                              tmp_path: Path) -> None:
    from app.core.search import SearchPlan

    catalog = Catalog(tmp_path / "catalog.sqlite")
    plan = SearchPlan.from_tables("s", {"dataset": str(table), "model": "bag_of_embeddings",
                                        "epochs": 1},
                                  {"trials": 1, "pruner": "none",
                                   "space": {"lr": {"low": 1e-3, "high": 0.1, "log": True}}},
                                  "test")
    outcome = run_search(plan, catalog)

    stored = catalog.get_study(outcome.study_id).settings["plan"]  # frozen mappings
    assert SearchPlan.from_json(stored).uid == plan.uid
