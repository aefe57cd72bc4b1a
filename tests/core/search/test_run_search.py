"""``run_search`` on real tiny trainings: a time budget, Hyperband, a test metric, and a
search beside ordinary runs and another search in one catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_text_table

from app.core.catalog import Catalog
from app.core.jobs import TrainJob
from app.core.runs import make_config
from app.core.search import SearchPlan, TrialEnded, run_search


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_text_table(tmp_path_factory.mktemp("data") / "table.csv", rows_per_class=8)


def _plan(table: Path, name: str = "s", **search: object) -> SearchPlan:
    values = {"dataset": str(table), "model": "bag_of_embeddings", "epochs": 3,
              "batch_size": 8, "threads": 1}
    space = {"lr": {"low": 1e-3, "high": 0.3, "log": True}}
    return SearchPlan.from_tables(name, values, {"space": space, **search}, f"test, {name}")


def test_a_time_budget_ends_the_search_after_the_running_trial(table: Path,
                                                               tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")

    outcome = run_search(_plan(table, timeout=0.01, pruner="none"), catalog)

    assert (outcome.status, outcome.reason, outcome.finished) == ("completed", "timeout", 1)
    assert catalog.get_study(outcome.study_id).planned_trials is None


def test_hyperband_and_a_test_metric(table: Path, tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    ended: list[TrialEnded] = []

    outcome = run_search(_plan(table, trials=4, pruner="hyperband", metric="test_accuracy",
                               startup_trials=1), catalog, on_event=lambda e: ended.append(e)
                         if isinstance(e, TrialEnded) else None)

    assert outcome.finished == 4 and len(ended) == 4
    study = catalog.get_study(outcome.study_id)
    assert (study.settings["pruner"], study.direction) == ("hyperband", "maximize")
    best = catalog.get_run_record(study.best_run_id)
    completed = [e for e in ended if e.status == "completed"]
    assert outcome.best_value == best.test_accuracy == max(e.value for e in completed)
    for event in ended:  # a test metric: trials monitor val_accuracy, the pruner watches it
        assert catalog.get_run_record(event.run_id).config["monitor"] == "val_accuracy"


def test_searches_and_plain_runs_share_a_catalog(table: Path, tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    first = run_search(_plan(table, "first", trials=2, pruner="none"), catalog)
    plain = TrainJob(make_config({"dataset": str(table), "model": "bag_of_embeddings",
                                  "epochs": 1, "name": "plain"})).run(catalog)
    second = run_search(_plan(table, "second", trials=2, pruner="none", sampler="random"),
                        catalog)

    assert first.study_uid != second.study_uid
    studies = {study.name: study for study in catalog.list_studies()}
    assert {name: study.trials for name, study in studies.items()} == {"first": 2, "second": 2}
    assert catalog.get_run_record(plain.run_id).study_id is None
    assert catalog.count_runs() == 5
    assert (tmp_path / "catalog_optuna.log").is_file()
