"""Bad experiment files: exit 2 with one line naming the file, the experiment and the key (or
the line), before anything trains, with the catalog byte-for-byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.experiments import read_experiments
from tests.bad_inputs.checks import CatalogSnapshot, CliRunner, assert_refused
from tests.bad_inputs.experiment_cases import BIG_GRID, CASES, HEAD, write_case
from tests.batch.cli_helpers import write_toml


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_experiment_file_is_refused_and_the_catalog_left_alone(
        case: str, cli: CliRunner, tmp_path: Path, table: Path, existing_catalog: Path) -> None:
    bad = write_case(tmp_path / "files", case, table)
    before = CatalogSnapshot(existing_catalog)

    result = cli("--batch", bad, "--catalog", existing_catalog)

    assert_refused(result, *CASES[case][1])
    before.assert_unchanged()


@pytest.mark.parametrize(("model", "fragments"), [
    ("resnet99", ("'resnet99'", "bag_of_embeddings", "transformer")),
    ("lenet5", ("'lenet5' is for image data", "tiny.csv", "holds text data")),
])
def test_an_unknown_or_unfitting_model_is_refused(model: str, fragments: tuple[str, ...],
                                                  cli: CliRunner, tmp_path: Path,
                                                  table: Path, existing_catalog: Path) -> None:
    bad = write_toml(table.parent / "bad.toml", HEAD.replace("bag_of_embeddings", model))
    before = CatalogSnapshot(existing_catalog)

    assert_refused(cli("--batch", bad, "--catalog", existing_catalog), "bad.toml", *fragments)
    before.assert_unchanged()


def test_a_relative_dataset_is_found_beside_the_file_not_the_working_folder(
        cli: CliRunner, tmp_path: Path, existing_catalog: Path) -> None:
    """``dataset = "data/nope.csv"`` names the file's folder in the message: the path was
    resolved against the experiment file, while the process runs in the repository."""
    bad = write_toml(tmp_path / "exp" / "bad.toml",
                     HEAD.replace('"tiny.csv"', '"data/nope.csv"'))

    result = cli("--batch", bad, "--catalog", existing_catalog)

    assert_refused(result, "bad.toml, experiment 1 ('x')",
                   str(tmp_path / "exp" / "data" / "nope.csv"), "does not exist")


@pytest.mark.parametrize(("path", "fragments"), [
    ("missing.toml", ("experiment file", "missing.toml", "does not exist")),
    ("folder.toml", ("experiment file", "folder.toml", "is a folder")),
])
def test_an_experiment_file_that_is_not_a_file(path: str, fragments: tuple[str, ...],
                                               cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "folder.toml").mkdir()

    assert_refused(cli("--batch", tmp_path / path, "--catalog", tmp_path / "c.sqlite"),
                   *fragments)
    assert not (tmp_path / "c.sqlite").exists()


@pytest.mark.parametrize("where", ["experiment", "defaults"])
def test_max_grid_runs_raises_the_cap(where: str, tmp_path: Path, table: Path) -> None:
    """The documented way past the cap, in the experiment or in ``[defaults]``."""
    body = HEAD + "max_grid_runs = 10000\n" + BIG_GRID
    if where == "defaults":
        body = "[defaults]\nmax_grid_runs = 10000\n" + HEAD + BIG_GRID
    path = write_toml(table.parent / "big.toml", body)

    experiments = read_experiments(path)

    assert len(experiments) == 10_000
    assert experiments[0].trial.study.planned_trials == 10_000
    assert len({e.config.name for e in experiments}) == 10_000


def test_a_grid_at_the_cap_is_accepted(tmp_path: Path, table: Path) -> None:
    values = ", ".join(str(i) for i in range(1000))
    path = write_toml(table.parent / "cap.toml", HEAD + f"[experiment.grid]\nseed = [{values}]\n")

    assert len(read_experiments(path)) == 1000


def test_unnamed_experiments_may_repeat(tmp_path: Path, table: Path) -> None:
    """Only names a person gave must be unique; unnamed runs are told apart by number."""
    unnamed = HEAD.replace('name = "x"\n', "")
    path = write_toml(table.parent / "two.toml", unnamed + unnamed)

    assert len(read_experiments(path)) == 2
