"""Lineage: a run's ancestors and descendants along ``parent_run_id``, cycles guarded."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from app.core.catalog import Catalog, Lineage
from app.core.errors import CatalogError

RunFactory = Callable[..., int]


def _ids(runs) -> list[int]:
    return [run.id for run in runs]


@pytest.fixture
def family(make_run: RunFactory) -> dict[str, int]:
    """root ─┬─ a ─┬─ a1 ── a1x
             │     └─ a2
             └─ b ── b1          (and an unrelated run)
    """
    ids: dict[str, int] = {"root": make_run(name="root")}
    ids["a"] = make_run(name="a", parent_run_id=ids["root"])
    ids["b"] = make_run(name="b", parent_run_id=ids["root"])
    ids["a1"] = make_run(name="a1", parent_run_id=ids["a"])
    ids["b1"] = make_run(name="b1", parent_run_id=ids["b"])
    ids["a2"] = make_run(name="a2", parent_run_id=ids["a"])
    ids["a1x"] = make_run(name="a1x", parent_run_id=ids["a1"])
    ids["stranger"] = make_run(name="stranger")
    return ids


def test_ancestors_run_nearest_first_up_to_the_root(catalog: Catalog, family: dict[str, int]):
    lineage = catalog.lineage(family["a1x"])
    assert isinstance(lineage, Lineage)
    assert lineage.run.id == family["a1x"]
    assert _ids(lineage.ancestors) == [family["a1"], family["a"], family["root"]]
    assert lineage.descendants == ()


def test_descendants_are_every_level_by_depth_then_id(catalog: Catalog, family: dict[str, int]):
    lineage = catalog.lineage(family["root"])
    assert lineage.ancestors == ()
    assert _ids(lineage.descendants) == [
        family["a"], family["b"], family["a1"], family["b1"], family["a2"], family["a1x"],
    ]  # fmt: skip
    middle = catalog.lineage(family["a"])
    assert _ids(middle.ancestors) == [family["root"]]
    assert _ids(middle.descendants) == [family["a1"], family["a2"], family["a1x"]]


def test_a_run_without_relatives_and_a_missing_run(catalog: Catalog, family: dict[str, int]):
    alone = catalog.lineage(family["stranger"])
    assert (alone.ancestors, alone.descendants) == ((), ())
    with pytest.raises(CatalogError, match="no run 999"):
        catalog.lineage(999)


def test_trashed_relatives_are_included_and_marked(catalog: Catalog, family: dict[str, int]):
    catalog.trash_runs([family["a"]])
    lineage = catalog.lineage(family["a1"])
    assert _ids(lineage.ancestors) == [family["a"], family["root"]]
    assert [run.trashed_at is not None for run in lineage.ancestors] == [True, False]
    down = catalog.lineage(family["root"]).descendants
    assert [run.name for run in down if run.trashed_at] == ["a"]


def test_the_lineage_is_frozen_records(catalog: Catalog, family: dict[str, int]):
    lineage = catalog.lineage(family["a"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        lineage.ancestors = ()  # type: ignore[misc]
    assert lineage.descendants[0].config["epochs"] == 3


def test_a_cycle_written_by_hand_does_not_loop(catalog: Catalog, family: dict[str, int]):
    with catalog._write() as db:  # root's parent becomes its grandchild: a1 → a → root → a1
        db.execute("UPDATE runs SET parent_run_id = ? WHERE id = ?", [family["a1"], family["root"]])
        db.execute("UPDATE runs SET parent_run_id = id WHERE id = ?", [family["stranger"]])
    up = catalog.lineage(family["a1x"]).ancestors
    assert _ids(up) == [family["a1"], family["a"], family["root"]]
    down = catalog.lineage(family["a"]).descendants
    assert _ids(down) == [family["a1"], family["a2"], family["root"], family["a1x"], family["b"],
                          family["b1"]]  # fmt: skip
    itself = catalog.lineage(family["stranger"])
    assert (itself.ancestors, itself.descendants) == ((), ())
