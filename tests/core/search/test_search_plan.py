"""The search space and plan without training: conditions, grid points, identity, saving."""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest

from app.core.errors import ConfigError
from app.core.jobs import SearchJob, job_from_json, job_to_json
from app.core.search import Choice, Range, SearchPlan

VALUES = {"dataset": "/data/table.csv", "model": "bag_of_embeddings", "epochs": 2,
          "model_options": {"dropout": 0.1}}
SEARCH = {"trials": 4, "sampler": "tpe", "space": {
    "model": ["bag_of_embeddings", "textcnn"],
    "lr": {"low": 1e-4, "high": 1e-1, "log": True},
    "model_options.kernel_sizes": [[3], [3, 4]],
    "model_options.embed_dim": {"low": 8, "high": 16, "step": 8},
}}


def _plan(search: dict | None = None, values: dict | None = None) -> SearchPlan:
    return SearchPlan.from_tables("s", values or VALUES, search or SEARCH, "f.toml, s")


def test_a_models_options_apply_only_when_it_is_drawn() -> None:
    plan = _plan()
    kernels = plan.space.get("model_options.kernel_sizes")
    assert isinstance(kernels, Choice) and kernels.models == ("textcnn",)
    assert kernels.values == ((3,), (3, 4))  # coerced by the schema
    embed = plan.space.get("model_options.embed_dim")
    assert isinstance(embed, Range) and embed.models == () and embed.kind is int
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    seen = set()
    for _ in range(12):
        trial = study.ask()
        params = plan.space.suggest(trial)
        config = plan.trial_config(params, trial.number)
        study.tell(trial, 0.0)
        seen.add(params["model"])
        options = config.model.options
        assert ("kernel_sizes" in options) == (params["model"] == "textcnn")
        assert config.model.architecture == params["model"]
        assert config.training.monitor == "val_accuracy"
        assert config.name == f"s [trial {trial.number}]"
    assert seen == {"bag_of_embeddings", "textcnn"}


def test_grid_points_leave_out_options_of_models_not_drawn() -> None:
    plan = _plan({"sampler": "grid", "space": {
        "model": ["bag_of_embeddings", "textcnn"], "model_options.kernel_sizes": [[3], [3, 4]],
        "lr": [0.01, 0.001]}})
    points = plan.space.grid_points()
    assert len(points) == 2 + 4 and plan.planned_trials == 6
    assert {"model": "bag_of_embeddings", "lr": 0.01} in points
    assert {"model": "textcnn", "model_options.kernel_sizes": (3, 4), "lr": 0.001} in points


def test_the_uid_ignores_the_budget_and_follows_everything_else() -> None:
    base = _plan()
    assert _plan({**SEARCH, "trials": 40}).uid == base.uid
    assert _plan({**SEARCH, "sampler": "random"}).uid != base.uid
    assert _plan(values={**VALUES, "epochs": 3}).uid != base.uid
    assert len(base.uid) == 32 and base.optuna_name.endswith(base.uid)


def test_a_search_job_survives_a_saved_queue() -> None:
    job = SearchJob(_plan())
    again = job_from_json(job_to_json(job))
    assert isinstance(again, SearchJob) and again.search.uid == job.search.uid
    assert again.search.space == job.search.space


def test_an_experiment_option_no_candidate_model_has_is_refused() -> None:
    with pytest.raises(ConfigError, match="'model_options.width' belongs to none"):
        _plan(values={**VALUES, "model_options": {"width": 8}})


def test_a_value_the_run_refuses_is_found_at_the_ends_of_a_range() -> None:
    with pytest.raises(ConfigError, match="val_fraction \\+ test_fraction must be below 1"):
        _plan({"trials": 2, "space": {"val_fraction": {"low": 0.1, "high": 0.85}}})


def test_no_path_is_needed_to_plan(tmp_path: Path) -> None:
    """Planning a search reads no file: the dataset is loaded by the job's ``plan``."""
    plan = _plan(values={**VALUES, "dataset": str(tmp_path / "missing.csv")})
    assert plan.base.data.dataset.endswith("missing.csv")


def test_the_bundled_example_is_a_valid_search() -> None:
    from app.core.experiments import read_experiments

    sample = Path(__file__).resolve().parents[3] / "resources" / "samples" / "search.toml"
    (experiment,) = read_experiments(sample)
    plan = experiment.search
    assert plan is not None and plan.planned_trials == 12
    assert plan.space.models == ("small_cnn", "lenet5")
    assert plan.space.get("model_options.width").models == ("small_cnn",)
    SearchJob(plan).plan()  # the dataset loads and both models fit it
