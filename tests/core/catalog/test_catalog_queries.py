"""The run table: filters, sorting with NULLs last, text search, paging, counts and histories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.errors import CatalogError

RunFactory = Callable[..., int]


@pytest.fixture
def runs(catalog: Catalog, make_run: RunFactory, tmp_path: Path) -> dict[str, int]:
    """Five runs over two datasets with a spread of statuses, metrics, tags and notes."""
    other = catalog.register_dataset(tmp_path / "Reviews_Ü", "text", "fp-rev", ["neg", "pos"],
                                     {"neg": 3, "pos": 3}, 6)  # fmt: skip
    ids = {
        "lenet": make_run(name="LeNet baseline", model="lenet"),
        "mlp": make_run(name="mlp small", model="mlp"),
        "cnn": make_run(name="cnn wide", model="cnn"),
        "gru": make_run(name="gru", model="gru", dataset_id=other),
        "queued": make_run(name="later", model="mlp"),
    }
    accuracy = {"lenet": 0.97, "mlp": 0.91, "cnn": None, "gru": 0.80}
    loss = {"lenet": 0.10, "mlp": 0.30, "cnn": None, "gru": 0.20}
    for key in ("lenet", "mlp", "cnn", "gru"):
        catalog.mark_running(ids[key], device="cpu", pid=1, hostname="h")
        catalog.update_progress(ids[key], epochs_done=3, final_val_loss=loss[key])
    for key in ("lenet", "mlp", "gru"):
        catalog.finish_run(ids[key], status="completed", test_metrics={"accuracy": accuracy[key]})
    catalog.finish_run(ids["cnn"], status="failed", message="CUDA out of memory")
    catalog.add_tag(ids["lenet"], "Paper-Figure")
    catalog.add_tag(ids["mlp"], "baseline")
    catalog.set_notes(ids["cnn"], "Try GRÖSSERE batches")
    return ids


def _ids(records) -> list[int]:
    return [record.id for record in records]


def test_default_order_is_newest_first(catalog: Catalog, runs: dict[str, int]):
    assert _ids(catalog.list_runs()) == sorted(runs.values(), reverse=True)


def test_filters(catalog: Catalog, runs: dict[str, int], dataset_id: int):
    assert _ids(catalog.list_runs(status="completed", sort="id")) == [
        runs["lenet"], runs["mlp"], runs["gru"],
    ]  # fmt: skip
    assert _ids(catalog.list_runs(status=["failed", "queued"], sort="id")) == [
        runs["cnn"], runs["queued"],
    ]  # fmt: skip
    assert _ids(catalog.list_runs(model="mlp", sort="id")) == [runs["mlp"], runs["queued"]]
    assert runs["gru"] not in _ids(catalog.list_runs(dataset_id=dataset_id))
    assert _ids(catalog.list_runs(tag="baseline")) == [runs["mlp"]]
    assert _ids(catalog.list_runs(model="mlp", status="completed")) == [runs["mlp"]]
    assert catalog.list_runs(model="resnet") == []
    with pytest.raises(CatalogError, match="unknown run status"):
        catalog.list_runs(status="done")


def test_counts_match_the_filters(catalog: Catalog, runs: dict[str, int], dataset_id: int):
    assert catalog.count_runs() == 5
    assert catalog.count_runs(status="completed") == 3
    assert catalog.count_runs(dataset_id=dataset_id) == 4
    assert catalog.count_runs(text="baseline") == 2
    assert catalog.count_runs(tag="nope") == 0


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-test_accuracy", ["lenet", "mlp", "gru", "queued", "cnn"]),
        ("test_accuracy", ["gru", "mlp", "lenet", "queued", "cnn"]),
        ("final_val_loss", ["lenet", "gru", "mlp", "queued", "cnn"]),
        ("-final_val_loss", ["mlp", "gru", "lenet", "queued", "cnn"]),
        ("name", ["cnn", "gru", "queued", "lenet", "mlp"]),
        ("-id", ["queued", "gru", "cnn", "mlp", "lenet"]),
    ],
)
def test_sort_puts_nulls_last_in_both_directions(
    catalog: Catalog, runs: dict[str, int], sort: str, expected: list[str]
):
    # runs without a value tie on NULL and fall back to newest first
    assert _ids(catalog.list_runs(sort=sort)) == [runs[key] for key in expected]


def test_unknown_sort_column_is_refused(catalog: Catalog, runs: dict[str, int]):
    with pytest.raises(CatalogError, match="cannot sort runs by 'accuracy; DROP TABLE runs'"):
        catalog.list_runs(sort="accuracy; DROP TABLE runs")
    with pytest.raises(CatalogError, match="cannot sort runs by 'config'"):
        catalog.list_runs(sort="-config")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lenet", ["lenet"]),  # name and model
        ("BASELINE", ["mlp", "lenet"]),  # name of one, tag of the other
        ("paper-fig", ["lenet"]),  # tag
        ("größere", ["cnn"]),  # notes, non-ASCII case folding
        ("reviews_ü", ["gru"]),  # dataset path
        ("digits", ["queued", "cnn", "mlp", "lenet"]),
        ("  wide ", ["cnn"]),
        ("zebra", []),
        ("", ["queued", "gru", "cnn", "mlp", "lenet"]),
    ],
)
def test_text_search_ignores_case(
    catalog: Catalog, runs: dict[str, int], text: str, expected: list[str]
):
    assert _ids(catalog.list_runs(text=text)) == [runs[key] for key in expected]


def test_text_search_treats_wildcards_literally(catalog: Catalog, make_run: RunFactory):
    plain, percent = make_run(name="lr 10 x"), make_run(name="lr 10% x")
    assert _ids(catalog.list_runs(text="10%")) == [percent]
    assert _ids(catalog.list_runs(text="%")) == [percent]
    assert plain


def test_paging(catalog: Catalog, runs: dict[str, int]):
    everything = _ids(catalog.list_runs(sort="id", limit=None))
    pages = [_ids(catalog.list_runs(sort="id", limit=2, offset=offset)) for offset in (0, 2, 4)]
    assert pages == [everything[0:2], everything[2:4], everything[4:]]
    assert catalog.list_runs(limit=0) == []


def test_list_runs_carries_tags_and_dataset_path(catalog: Catalog, runs: dict[str, int]):
    (lenet,) = [r for r in catalog.list_runs() if r.id == runs["lenet"]]
    assert lenet.tags == ("Paper-Figure",)
    assert lenet.dataset_path is not None and lenet.dataset_path.endswith("digits")


def test_history_of_several_runs_in_one_call(catalog: Catalog, make_run: RunFactory):
    first, second, silent = make_run(), make_run(), make_run()
    catalog.log_metrics(first, [("val_loss", s, s, 1 / s) for s in range(1, 6)])
    catalog.log_metrics(first, [("val_accuracy", s, s, s / 10) for s in range(5, 0, -1)])
    catalog.log_metrics(second, [("val_loss", 1, 1, 0.3)])

    histories = catalog.history([first, second, silent, first])
    assert list(histories) == [first, second, silent]
    assert set(histories[first]) == {"val_loss", "val_accuracy"}
    assert [p.step for p in histories[first]["val_accuracy"]] == [1, 2, 3, 4, 5]
    assert histories[second]["val_loss"][0].value == 0.3
    assert histories[silent] == {}

    only_loss = catalog.history([first, second], keys=["val_loss"])
    assert {key for history in only_loss.values() for key in history} == {"val_loss"}
    assert catalog.history([]) == {}


def test_filter_menus_list_the_tags_and_models_in_use(catalog: Catalog, make_run: RunFactory):
    first = make_run(model="lenet5")
    second = make_run(model="mlp")
    make_run(model="mlp")
    catalog.set_tags(first, ["baseline", "Zeta"])
    catalog.set_tags(second, ["alpha", "baseline"])
    assert catalog.list_tags() == ["alpha", "baseline", "Zeta"]
    assert catalog.list_models() == ["lenet5", "mlp"]
