"""Batch mode with ``init_from`` = a catalog run: the child trains from it and the summary JSON
names the parent; a bad reference exits 2 before anything is written (no row, no folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import CliRunner, assert_one_error_line, catalog_state, write_toml
from factories import write_text_table

from app.core.catalog import Catalog


def _experiment(tmp: Path, init_from: str, extra: str = "",
                model: str = "bag_of_embeddings") -> Path:
    table = write_text_table(tmp / "child.csv", rows_per_class=6, classes=("spam", "ham"))
    return write_toml(tmp / "child.toml", f"""
[[experiment]]
name = "child"
dataset = "{table.name}"
model = "{model}"
init_from = "{init_from}"
epochs = 1
batch_size = 8
{extra}
""")


@pytest.mark.parametrize("by", ["id", "uid prefix"])
def test_a_child_trains_from_a_catalog_run_and_the_summary_names_it(
        cli: CliRunner, existing_catalog: Path, tmp_path: Path, by: str) -> None:
    parent = Catalog(existing_catalog).get_run_record(1)
    reference = "1" if by == "id" else parent.uid[:7]
    summary = tmp_path / "summary.json"

    result = cli("--batch", _experiment(tmp_path, reference), "--catalog", existing_catalog,
                 "--summary-json", summary)

    assert result.code == 0, result.both
    record = json.loads(summary.read_text(encoding="utf-8"))["runs"][0]
    assert (record["parent_run_id"], record["parent_run_uid"]) == (1, parent.uid)
    child = Catalog(existing_catalog).get_run_record(record["run_id"])
    assert child.parent_run_id == 1 and child.status == "completed"


def _bare_run(catalog_path: Path) -> int:
    """A run that never saved weights (its process died before the first epoch)."""
    catalog = Catalog(catalog_path)
    return catalog.create_run(name="never trained", model="bag_of_embeddings",
                              dataset_id=catalog.get_run_record(1).dataset_id, config={},
                              seed=0, total_epochs=1, environment={})


@pytest.mark.parametrize(("reference", "extra", "fragments"), [
    ("99", "", ("init_from = 99", "no run with that id or uid")),
    ("bare", "", ("init_from = 2", "has no usable weights", "at least one epoch")),
    ("1", "textcnn", ("is a bag_of_embeddings model", 'set model = "bag_of_embeddings"')),
    ("1", "max_length=3", ("max_length = 3", "leave max_length empty")),
], ids=["unknown", "no-weights", "architecture", "max-length"])
def test_a_bad_reference_exits_2_and_writes_nothing(
        cli: CliRunner, existing_catalog: Path, tmp_path: Path, reference: str, extra: str,
        fragments: tuple[str, ...]) -> None:
    if reference == "bare":
        reference = str(_bare_run(existing_catalog))
    experiments = (_experiment(tmp_path, reference, model=extra) if extra == "textcnn"
                   else _experiment(tmp_path, reference, extra.replace("=", " = ")))
    before = catalog_state(existing_catalog)
    folders = sorted(p.name for p in existing_catalog.parent.rglob("*") if p.is_dir())

    result = cli("--batch", experiments, "--catalog", existing_catalog)

    assert_one_error_line(result, fragments)
    assert catalog_state(existing_catalog) == before
    assert sorted(p.name for p in existing_catalog.parent.rglob("*") if p.is_dir()) == folders


def test_init_from_without_a_catalog_file_creates_none(cli: CliRunner, tmp_path: Path) -> None:
    catalog = tmp_path / "new" / "catalog.sqlite"

    result = cli("--batch", _experiment(tmp_path, "1"), "--catalog", catalog)

    assert result.code == 2
    assert "init_from = 1: there is no catalog at" in result.err
    assert not catalog.exists()
