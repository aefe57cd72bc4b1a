"""Searches in batch mode: real tiny trainings, every trial a catalog run of one study.

A 12-trial TPE search with median pruning (the costliest test here, ~15 s) is run once per
module and looked at from several sides: the catalog's study and runs, Optuna's journal, the
summary JSON, the search's own summary files, and a second run of the same file.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import optuna
import pytest
from cli_helpers import CliRunner, write_toml
from factories import write_image_folder, write_text_table

from app.cli import main
from app.core.catalog import Catalog
from app.core.palette import get_spec
from app.core.search import open_storage

PRUNED_SEARCH = """
[[experiment]]
name = "tiny-search"
dataset = "{table}"
model = "bag_of_embeddings"
epochs = 3
threads = 1

[experiment.search]
trials = 12
metric = "val_loss"
sampler = "tpe"
pruner = "median"
startup_trials = 3

[experiment.search.space]
lr = {{ low = 1e-4, high = 0.3, log = true }}
batch_size = [8, 16]
"model_options.embed_dim" = {{ low = 8, high = 32, step = 8 }}
"""


@pytest.fixture(scope="module")
def pruned_search(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The 12-trial search run once through ``main``: paths, exit code and output."""
    folder = tmp_path_factory.mktemp("search")
    table = write_text_table(folder / "table.csv", rows_per_class=10)
    experiments = write_toml(folder / "search.toml", PRUNED_SEARCH.format(table=table.name))
    catalog, summary = folder / "catalog.sqlite", folder / "summary.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MODELDESK_LOG_DIR", str(folder / "logs"))
        code = main(["--batch", str(experiments), "--catalog", str(catalog),
                     "--summary-json", str(summary)])
    return {"code": code, "file": experiments, "catalog": catalog, "summary": summary}


def test_a_search_records_its_trials_pruned_runs_and_best_run(pruned_search: dict) -> None:
    assert pruned_search["code"] == 0
    catalog = Catalog(pruned_search["catalog"])
    (study,) = catalog.list_studies()
    assert (study.kind, study.sampler, study.metric, study.direction, study.status) == (
        "search", "tpe", "val_loss", "minimize", "completed")
    assert study.settings["pruner"] == "median" and study.planned_trials == 12
    assert study.space["lr"] == {"low": 1e-4, "high": 0.3, "log": True}
    runs = catalog.list_runs(study_id=study.id, limit=None)
    assert sorted(run.trial_number for run in runs) == list(range(12))
    statuses = [run.status for run in runs]
    assert set(statuses) <= {"completed", "pruned"}
    assert statuses.count("pruned") >= 1 and statuses.count("completed") >= 3
    histories = catalog.history([run.id for run in runs])
    for run in runs:
        assert run.config["monitor"] == "val_loss"  # the run tracks the search's metric
        assert len(histories[run.id]["val_loss"]) == run.epochs_done  # curves kept
        if run.status == "pruned":
            assert run.epochs_done < 3 and run.message.startswith("pruned after epoch")
            assert run.test_accuracy is None
    completed = [run for run in runs if run.status == "completed"]
    best = min(completed, key=lambda run: run.best_val_metric)
    assert study.best_run_id == best.id
    assert study.trial_counts == {s: statuses.count(s) for s in set(statuses)}


def test_optuna_holds_the_same_trials_beside_the_catalog(pruned_search: dict) -> None:
    catalog = Catalog(pruned_search["catalog"])
    (study,) = catalog.list_studies()
    assert (pruned_search["catalog"].parent / "catalog_optuna.log").is_file()
    optuna_study = optuna.load_study(study_name=study.settings["optuna_study"],
                                     storage=open_storage(catalog.path))
    assert study.uid in optuna_study.study_name
    by_run = {run.id: run for run in catalog.list_runs(study_id=study.id, limit=None)}
    assert len(optuna_study.trials) == 12
    for trial in optuna_study.trials:
        run = by_run[trial.user_attrs["run_id"]]
        assert run.trial_number == trial.number
        assert trial.state.name.lower() == {"completed": "complete"}.get(run.status, run.status)
        assert run.config["lr"] == trial.params["lr"]
        assert run.config["model_options"]["embed_dim"] == trial.params["model_options.embed_dim"]
        if run.status == "completed":
            assert trial.value == pytest.approx(run.best_val_metric)


def test_the_summaries_name_the_study_its_best_run_and_importances(pruned_search: dict) -> None:
    catalog = Catalog(pruned_search["catalog"])
    (study,) = catalog.list_studies()
    document = json.loads(pruned_search["summary"].read_text(encoding="utf-8"))
    assert len(document["runs"]) == 12
    assert {record["study_uid"] for record in document["runs"]} == {study.uid}
    assert sorted(record["trial"] for record in document["runs"]) == list(range(12))
    (search,) = document["searches"]
    assert search["study"]["uid"] == study.uid
    assert search["best_run"]["run_id"] == study.best_run_id
    best_value = catalog.get_run_record(study.best_run_id).best_val_metric
    assert search["best_run"]["value"] == pytest.approx(best_value)
    series = [point["best"] for point in search["best_so_far"]]
    assert series == sorted(series, reverse=True) and series[-1] == pytest.approx(best_value)
    importances = search["importances"]
    assert importances["evaluator"] in ("fanova", "ped-anova")
    assert set(importances["values"]) == {"lr", "batch_size", "model_options.embed_dim"}
    assert math.isclose(sum(importances["values"].values()), 1.0, rel_tol=1e-6)
    with open(search["files"]["csv"], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(row["trial"]) for row in rows] == list(range(12))
    assert {row["status"] for row in rows} == {"completed", "pruned"}
    assert json.loads(Path(search["files"]["json"]).read_text())["best_run"] == search["best_run"]


def test_running_a_finished_search_again_trains_nothing(pruned_search: dict,
                                                        cli: CliRunner) -> None:
    before = Catalog(pruned_search["catalog"]).count_runs()

    result = cli("--batch", pruned_search["file"], "--catalog", pruned_search["catalog"])

    assert result.code == 0, result.err
    assert "continuing after 12 finished trial(s)" in result.out
    assert "best run" in result.out
    assert Catalog(pruned_search["catalog"]).count_runs() == before


CONDITIONAL = """
[[experiment]]
name = "two-architectures"
dataset = "images"
model = "small_cnn"
epochs = 1
batch_size = 16
threads = 1

[experiment.search]
trials = 6
sampler = "random"
pruner = "none"
seed = 3

[experiment.search.space]
model = ["small_cnn", "lenet5"]
lr = {{ low = 1e-3, high = 1e-2, log = true }}
"model_options.dropout" = {{ low = 0.0, high = 0.5 }}
"model_options.width" = {{ low = 8, high = 16, step = 8 }}
"model_options.activation" = ["relu", "tanh"]
"""


def test_a_conditional_space_draws_each_model_with_its_own_options(
        cli: CliRunner, tmp_path: Path) -> None:
    write_image_folder(tmp_path / "images", per_class=6, size=16)
    experiments = write_toml(tmp_path / "search.toml", CONDITIONAL.format())
    catalog_path = tmp_path / "catalog.sqlite"

    result = cli("--batch", experiments, "--catalog", catalog_path)

    assert result.code == 0, result.err
    catalog = Catalog(catalog_path)
    runs = catalog.list_runs(limit=None)
    assert len(runs) == 6 and {run.model for run in runs} == {"small_cnn", "lenet5"}
    for run in runs:
        options = dict(run.config["model_options"])
        assert set(options) == set(get_spec(run.model).option_names)
        if run.model == "small_cnn":
            assert options["width"] in (8, 16)
        else:
            assert options["activation"] in ("relu", "tanh")
        assert 0.0 <= options["dropout"] <= 0.5
    (study,) = catalog.list_studies()
    optuna_study = optuna.load_study(study_name=study.settings["optuna_study"],
                                     storage=open_storage(catalog.path))
    for trial in optuna_study.trials:  # Optuna saw only the drawn model's options
        expected = {"small_cnn": "model_options.width", "lenet5": "model_options.activation"}
        other = {"small_cnn": "model_options.activation", "lenet5": "model_options.width"}
        model = trial.params["model"]
        assert expected[model] in trial.params and other[model] not in trial.params


def test_a_grid_search_runs_each_combination_once(cli: CliRunner, tmp_path: Path) -> None:
    table = write_text_table(tmp_path / "table.csv", rows_per_class=5)
    experiments = write_toml(tmp_path / "grid.toml", f"""
[[experiment]]
name = "grid"
dataset = "{table.name}"
model = "bag_of_embeddings"
epochs = 1
batch_size = 8

[experiment.search]
sampler = "grid"
pruner = "none"

[experiment.search.space]
lr = [0.01, 0.003]
"model_options.embed_dim" = {{ low = 8, high = 16, step = 8 }}
""")
    catalog_path = tmp_path / "catalog.sqlite"

    result = cli("--batch", experiments, "--catalog", catalog_path)

    assert result.code == 0, result.err
    assert "every grid combination ran" in result.out
    runs = Catalog(catalog_path).list_runs(limit=None)
    combos = {(run.config["lr"], run.config["model_options"]["embed_dim"]) for run in runs}
    assert len(runs) == 4 and combos == {(0.01, 8), (0.01, 16), (0.003, 8), (0.003, 16)}
