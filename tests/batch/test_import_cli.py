"""``--import-runs``: a real trained run moves into another catalog whole — its model loads
from the copied folder and matches the original — a second import adds nothing, and a bad
source exits 2 with one line, the catalog unchanged."""

from __future__ import annotations

from pathlib import Path

import torch
from cli_helpers import CliRunner, assert_one_error_line, catalog_state

from app.core.catalog import Catalog
from app.core.models import load_bundle


def test_a_trained_run_arrives_whole_and_only_once(cli: CliRunner, existing_catalog: Path,
                                                   tmp_path: Path) -> None:
    desk = tmp_path / "desk" / "catalog.sqlite"
    first = cli("--import-runs", existing_catalog, "--catalog", desk)
    assert first.code == 0, first.both
    assert f"imported 1 run(s) from {existing_catalog}" in first.out
    assert "0 already here" in first.out and "warning" not in first.out

    theirs = Catalog(existing_catalog, read_only=True).get_run_record(1)
    ours = Catalog(desk).get_run_by_uid(theirs.uid)
    assert ours.run_dir.parent == Catalog(desk).runs_root
    model, bundle = load_bundle(ours.run_dir)
    original, _ = load_bundle(theirs.run_dir)
    assert bundle.run_uid == theirs.uid
    for (name, mine), (_, source) in zip(model.state_dict().items(),
                                         original.state_dict().items(), strict=True):
        assert torch.equal(mine, source), name
    kinds = {a.kind for a in Catalog(desk).get_run(ours.id).artifacts}
    assert kinds == {a.kind for a in Catalog(existing_catalog).get_run(1).artifacts}

    before = catalog_state(desk)
    second = cli("--import-runs", existing_catalog, "--catalog", desk)
    assert second.code == 0 and "imported 0 run(s)" in second.out and "1 already here" in second.out
    assert catalog_state(desk) == before


def test_a_bad_source_exits_2_with_its_name(cli: CliRunner, existing_catalog: Path,
                                            tmp_path: Path) -> None:
    before = catalog_state(existing_catalog)
    result = cli("--import-runs", tmp_path / "absent.sqlite", "--catalog", existing_catalog)
    assert_one_error_line(result, ("absent.sqlite", "no such file"))
    assert catalog_state(existing_catalog) == before
