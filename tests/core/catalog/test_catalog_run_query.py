"""``RunQuery``: one frozen filter value shared by ``list_runs`` and ``count_runs``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import Catalog, RunQuery, _queries
from app.core.errors import CatalogError

RunFactory = Callable[..., int]


def _ids(records) -> list[int]:
    return sorted(record.id for record in records)


@pytest.fixture
def runs(catalog: Catalog, make_run: RunFactory, tmp_path: Path) -> dict[str, int]:
    study = catalog.create_study(name="grid", kind="grid", space={}, sampler="grid")
    ids = {
        "base": make_run(name="base"),
        "trial1": make_run(name="trial one", study_id=study, trial_number=1),
        "trial2": make_run(name="trial two", study_id=study, trial_number=2, model="cnn"),
    }
    ids["child"] = make_run(name="child", parent_run_id=ids["base"])
    ids["study"] = study
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"w")
    catalog.add_artifact(ids["trial1"], "weights", weights, "bin")
    catalog.add_artifact(ids["base"], "checkpoint", weights, "bin")
    catalog.finish_run(ids["trial1"], status="completed")
    catalog.finish_run(ids["trial2"], status="pruned")
    return ids


def test_a_query_is_a_frozen_value(runs: dict[str, int]):
    query = RunQuery(status=["completed", "pruned"], study_id=runs["study"])
    assert query.status == ("completed", "pruned")  # a list is kept as a tuple
    assert query == RunQuery(status=("completed", "pruned"), study_id=runs["study"])
    assert hash(query) == hash(RunQuery(status=("completed", "pruned"), study_id=runs["study"]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.model = "mlp"  # type: ignore[misc]
    with pytest.raises(CatalogError, match="unknown run status 'done'"):
        RunQuery(status="done")


def test_list_and_count_take_the_same_query(catalog: Catalog, runs: dict[str, int]):
    cases = {
        RunQuery(study_id=runs["study"]): [runs["trial1"], runs["trial2"]],
        RunQuery(parent_run_id=runs["base"]): [runs["child"]],
        RunQuery(has_artifact="weights"): [runs["trial1"]],
        RunQuery(has_artifact="checkpoint", model="mlp"): [runs["base"]],
        RunQuery(has_artifact="onnx"): [],
        RunQuery(status=("pruned", "queued"), study_id=runs["study"]): [runs["trial2"]],
        RunQuery(text="TRIAL", model="cnn"): [runs["trial2"]],
        RunQuery(): sorted(runs[key] for key in ("base", "trial1", "trial2", "child")),
    }
    for query, expected in cases.items():
        assert _ids(catalog.list_runs(query, limit=None)) == expected, query
        assert catalog.count_runs(query) == len(expected), query


def test_keyword_filters_build_the_same_query(catalog: Catalog, runs: dict[str, int]):
    by_keywords = catalog.list_runs(study_id=runs["study"], status="completed", sort="id")
    by_query = catalog.list_runs(RunQuery(study_id=runs["study"], status="completed"), sort="id")
    assert _ids(by_keywords) == _ids(by_query) == [runs["trial1"]]
    assert catalog.count_runs(has_artifact="weights") == 1


def test_a_query_and_keywords_together_or_unknown_keywords_are_refused(
    catalog: Catalog, runs: dict[str, int]
):
    with pytest.raises(TypeError, match="not both"):
        catalog.list_runs(RunQuery(), model="mlp")
    with pytest.raises(TypeError, match="not both"):
        catalog.count_runs(RunQuery(), trashed=True)
    with pytest.raises(TypeError, match="unknown run filter"):
        catalog.list_runs(colour="red")
    with pytest.raises(TypeError, match="expected a RunQuery"):
        catalog.count_runs({"model": "mlp"})  # type: ignore[arg-type]


def test_trashed_runs_need_asking_for(catalog: Catalog, runs: dict[str, int]):
    catalog.trash_runs([runs["trial2"]])
    assert _ids(catalog.list_runs(RunQuery(study_id=runs["study"]))) == [runs["trial1"]]
    in_trash = RunQuery(study_id=runs["study"], trashed=True)
    assert _ids(catalog.list_runs(in_trash)) == [runs["trial2"]]
    assert catalog.count_runs(in_trash) == 1


def test_count_joins_datasets_only_for_text():
    assert "datasets" not in _queries.count_sql(RunQuery(model="mlp", tag="x"))[0]
    assert "datasets" not in _queries.count_sql(RunQuery(text="   "))[0]
    assert "datasets" in _queries.count_sql(RunQuery(text="digits"))[0]


def test_a_sorted_page_of_live_runs_walks_the_sort_index(catalog: Catalog, runs: dict[str, int]):
    """``+trashed_at`` keeps SQLite off ``runs_by_trashed``, which every live run matches."""
    sql, params = _queries.list_sql(RunQuery(), sort="-created_at", limit=100)
    with catalog._read() as db:
        plan = " ".join(str(row[-1]) for row in db.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "runs_by_trashed" not in plan
    assert "runs_by_created" in plan
