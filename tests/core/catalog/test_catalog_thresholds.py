"""``RunQuery`` thresholds on parameters and metrics, health, and the one-call text search."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.core.catalog import Catalog, RunQuery, _queries
from app.core.errors import CatalogError

RunFactory = Callable[..., int]


@pytest.fixture
def runs(catalog: Catalog, make_run: RunFactory) -> dict[str, int]:
    def trained(name: str, lr: float, hidden: int, accuracy: float | None, **finish) -> int:  # noqa: ANN003
        run_id = make_run(name=name, config={"lr": lr, "optimizer": "adam", "use_amp": lr > 0.01,
                                              "model_options": {"hidden": hidden}})
        metrics = None if accuracy is None else {"accuracy": accuracy, "macro_f1": accuracy - .1}
        catalog.finish_run(run_id, status="completed", test_metrics=metrics, **finish)
        return run_id

    return {
        "slow": trained("slow", 0.001, 64, 0.95),
        "mid": trained("mid", 0.01, 128, 0.80, health="not learning"),
        "fast": trained("fast", 0.1, 256, 0.50),
        "untested": trained("untested", 0.001, 64, None),
    }


def _names(catalog: Catalog, runs: dict[str, int], **filters) -> list[str]:  # noqa: ANN003
    by_id = {run_id: name for name, run_id in runs.items()}
    return sorted(by_id[run.id] for run in catalog.page_runs(limit=None, **filters).rows)


def test_parameter_thresholds_compare_the_stored_config(catalog: Catalog, runs: dict[str, int]):
    assert _names(catalog, runs, params=(("lr", "<", 0.01),)) == ["slow", "untested"]
    assert _names(catalog, runs, params=[["lr", "<=", 0.01]]) == ["mid", "slow", "untested"]
    assert _names(catalog, runs, params=(("lr", "!=", 0.01), ("model_options.hidden", ">", 64))
                  ) == ["fast"]  # fmt: skip
    assert _names(catalog, runs, params=(("optimizer", "=", "adam"), ("use_amp", "=", True))
                  ) == ["fast"]  # fmt: skip
    assert _names(catalog, runs, params=(("momentum", ">", 0),)) == []  # no such key: no match


def test_metric_thresholds_use_the_denormalised_columns(catalog: Catalog, runs: dict[str, int]):
    assert _names(catalog, runs, metrics=(("test_accuracy", ">=", 0.8),)) == ["mid", "slow"]
    both = RunQuery(metrics=(("test_macro_f1", ">", 0.5),), params=(("lr", ">", 0.005),))
    assert [run.name for run in catalog.list_runs(both)] == ["mid"]
    assert catalog.count_runs(metrics=(("test_accuracy", "<", 2),)) == 3  # NULL never matches


def test_health_is_stored_shown_and_filtered(catalog: Catalog, runs: dict[str, int]):
    assert catalog.get_run_record(runs["mid"]).health == "not learning"
    assert catalog.run_row(runs["mid"]).health == "not learning"
    assert catalog.get_run_record(runs["slow"]).health is None
    assert _names(catalog, runs, health="not learning") == ["mid"]
    assert _names(catalog, runs, health=["diverging", "not learning"]) == ["mid"]
    catalog.finish_run(runs["mid"], status="completed")  # None keeps the verdict
    assert catalog.get_run_record(runs["mid"]).health == "not learning"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"params": (("lr", "~", 1),)}, "unknown comparison '~'"),
        ({"params": (("lr; DROP TABLE runs", "<", 1),)}, "is not a parameter name"),
        ({"params": (("lr", "<", None),)}, "with a number, text or true/false"),
        ({"params": ("lr", "<", 1)}, "a threshold is a .name, operator, value. triple"),
        ({"params": "lr < 1"}, "thresholds are a sequence"),
        ({"metrics": (("config", ">", 0),)}, "unknown metric 'config'"),
        ({"metrics": (("test_accuracy", ">", "0.9"),)}, "with a number, not '0.9'"),
        ({"metrics": (("test_accuracy", ">", float("nan")),)}, "with a number, not nan"),
    ],
)
def test_bad_thresholds_are_refused_before_any_sql(query: dict, message: str):
    with pytest.raises(CatalogError, match=message):
        RunQuery(**query)


def test_text_search_calls_the_matcher_once_per_row(catalog: Catalog, runs: dict[str, int]):
    catalog.set_tags(runs["fast"], ["Paper"])
    catalog.set_notes(runs["slow"], "Ünïcode NOTES")
    sql, _ = _queries.count_sql(RunQuery(text="x"))
    assert sql.count("md_contains") == 1
    assert _names(catalog, runs, text="paper") == ["fast"]
    assert _names(catalog, runs, text="ünïcode") == ["slow"]
    assert _names(catalog, runs, text="digits") == sorted(runs)  # the dataset path
    assert _names(catalog, runs, text="st\x1fpa") == []  # the separator is not searchable
    assert _names(catalog, runs, text="slow\x1f") == ["slow"]
