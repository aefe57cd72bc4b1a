"""``main.py --reproduce RUN``: a new run from the stored config, linked to the original, with
the same test metrics; a changed dataset warns on stderr and trains; a bad RUN exits 2 with
one clear line and leaves the catalog as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import CliRunner, assert_one_error_line, catalog_state
from factories import write_text_table

from app.core.catalog import Catalog


@pytest.mark.parametrize("by", ["id", "uid prefix"])
def test_reproduce_makes_a_linked_run_with_the_same_test_metrics(
        cli: CliRunner, existing_catalog: Path, by: str) -> None:
    original = Catalog(existing_catalog).get_run_record(1)

    result = cli("--reproduce", "1" if by == "id" else original.uid[:10].upper(),
                 "--catalog", existing_catalog)

    assert result.code == 0, result.both
    copy = Catalog(existing_catalog).get_run_record(2)
    assert copy.reproduces_run_id == 1 and copy.status == "completed"
    assert dict(copy.test_metrics) == dict(original.test_metrics)
    assert f"reproducing run 1 (existing, uid {original.uid[:8]})" in result.out
    assert f"run 2 reproduces run 1: test accuracy {original.test_accuracy:.4%} (original " \
           f"{original.test_accuracy:.4%}), completed" in result.out
    assert "warning" not in result.err


def test_a_changed_dataset_warns_on_stderr_before_training(
        cli: CliRunner, existing_catalog: Path) -> None:
    dataset = Path(Catalog(existing_catalog).get_run_record(1).dataset_path)
    original = dataset.read_bytes()  # the session's template shares this file: put it back
    write_text_table(dataset, rows_per_class=7)
    try:
        result = cli("--reproduce", "1", "--catalog", existing_catalog)
    finally:
        dataset.write_bytes(original)

    assert result.code == 0, result.both
    warning = result.err.strip().splitlines()[0]
    assert warning.startswith("warning: the dataset at ") and "changed since run 1" in warning
    assert Catalog(existing_catalog).get_run_record(2).reproduces_run_id == 1


@pytest.mark.parametrize(("reference", "fragments"), [
    ("99", ("run 99: ", "has no run with that id or uid")),
    ("abcdef99", ("run abcdef99: ", "at least the first 6 digits of its uid")),
    ("abc", ("run abc: ", "has no run")),
], ids=["unknown-id", "unknown-uid", "too-short"])
def test_a_bad_run_exits_2_with_one_line_and_touches_nothing(
        cli: CliRunner, existing_catalog: Path, reference: str,
        fragments: tuple[str, ...]) -> None:
    before = catalog_state(existing_catalog)

    result = cli("--reproduce", reference, "--catalog", existing_catalog)

    assert_one_error_line(result, fragments)
    assert catalog_state(existing_catalog) == before


def test_a_missing_dataset_or_catalog_exits_2(cli: CliRunner, existing_catalog: Path,
                                             tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "catalog.sqlite"
    result = cli("--reproduce", "1", "--catalog", missing)
    assert result.code == 2 and "no catalog at" in result.err and not missing.exists()

    dataset = Path(Catalog(existing_catalog).get_run_record(1).dataset_path)
    hidden = dataset.rename(tmp_path / "moved.csv")  # the session's template shares this file
    try:
        result = cli("--reproduce", "1", "--catalog", existing_catalog)
    finally:
        hidden.rename(dataset)
    assert result.code == 2 and "tiny.csv" in result.err and "Traceback" not in result.both
    assert Catalog(existing_catalog).count_runs() == 1


def test_reproduce_takes_no_dataset_argument(cli: CliRunner, existing_catalog: Path) -> None:
    result = cli("--reproduce", "1", "data.csv", "--catalog", existing_catalog)
    assert result.code == 2 and "--reproduce takes no DATASET argument" in result.err
