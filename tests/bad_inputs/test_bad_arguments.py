"""Bad command lines: unknown runs and catalogs, unwritable outputs, missing paths, devices
this machine lacks, options the mode would ignore. Exit 2, one ``error:`` line, no traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bad_inputs import builders as bad
from tests.bad_inputs.checks import CatalogSnapshot, CliRunner, assert_refused, classes
from tests.batch.cli_helpers import run_main, write_toml

GOOD = '[[experiment]]\nname = "fine"\ndataset = "tiny.csv"\nmodel = "bag_of_embeddings"\n'


def test_resume_of_an_unknown_run(cli: CliRunner, existing_catalog: Path) -> None:
    before = CatalogSnapshot(existing_catalog)

    assert_refused(cli("--resume", 99, "--catalog", existing_catalog),
                   f"no run 99 in {existing_catalog}")
    before.assert_unchanged()


def test_resume_of_a_completed_run(cli: CliRunner, existing_catalog: Path) -> None:
    before = CatalogSnapshot(existing_catalog)

    assert_refused(cli("--resume", 1, "--catalog", existing_catalog),
                   "run 1 is completed", "stopped, failed or interrupted")
    before.assert_unchanged()


def test_resume_without_a_catalog_creates_none(cli: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "catalog.sqlite"

    assert_refused(cli("--resume", 1, "--catalog", missing), f"no catalog at {missing}",
                   "--catalog")
    assert not missing.parent.exists()


def test_summary_json_in_a_missing_folder(cli: CliRunner, table: Path,
                                          existing_catalog: Path) -> None:
    experiments = write_toml(table.parent / "good.toml", GOOD)
    before = CatalogSnapshot(existing_catalog)

    result = cli("--batch", experiments, "--catalog", existing_catalog,
                 "--summary-json", table.parent / "no-such-folder" / "summary.json")

    assert_refused(result, "--summary-json", "no-such-folder", "does not exist")
    before.assert_unchanged()


def test_inspect_of_a_missing_path(cli: CliRunner, tmp_path: Path) -> None:
    assert_refused(cli("--inspect", tmp_path / "nowhere"), str(tmp_path / "nowhere"),
                   "does not exist", "sub-folder per class")


def test_inspect_json_into_a_missing_folder(cli: CliRunner, table: Path) -> None:
    assert_refused(cli("--inspect", table, "--json", table.parent / "gone" / "r.json"),
                   "--json", "gone", "does not exist")


@bad.LINUX_ONLY
def test_inspect_of_a_folder_whose_own_name_is_not_utf8(
        images: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = bad.non_utf8(images.parent, b"d\xe9j\xe0-vu")
    os.rename(images, root)
    monkeypatch.setenv("PYTHONIOENCODING", "utf-8:strict")

    result = run_main("--inspect", root, timeout=60)

    assert result.code == 0, result.err
    assert "d\\xe9j\\xe0-vu" in result.out and classes(result) == {"blue": 6, "green": 6,
                                                                  "red": 6}


@pytest.mark.parametrize(("device", "fragments"), [
    ("cuda", ("device 'cuda' was asked for", "no CUDA GPU", 'device = "auto"')),
    ("cuda:99", ("device 'cuda:99'",)),
    ("tpu", ("'device' must be", "auto, cpu, cuda, cuda:N or mps", "'tpu'")),
])
def test_a_device_this_machine_lacks(device: str, fragments: tuple[str, ...], cli: CliRunner,
                                     table: Path, existing_catalog: Path) -> None:
    if device == "cuda":
        import torch

        if torch.cuda.is_available():
            pytest.skip("this machine has a CUDA GPU")
    experiments = write_toml(table.parent / "bad.toml", GOOD + f'device = "{device}"\n')
    before = CatalogSnapshot(existing_catalog)

    result = cli("--batch", experiments, "--catalog", existing_catalog)

    assert_refused(result, "bad.toml, experiment 1 ('fine')", *fragments)
    before.assert_unchanged()


@pytest.mark.parametrize(("args", "fragment"), [
    (("--frobnicate",), "unrecognized arguments: --frobnicate"),
    (("--resume", "first"), "argument --resume: invalid int value: 'first'"),
    (("--inspect", "x.csv", "--summary-json", "s.json"), "--summary-json only works with --batch"),
    (("--batch", "x.toml", "--json", "r.json"), "--json only works with --inspect"),
    (("--batch", "x.toml", "--delimiter", ";"), "--delimiter only works with --inspect"),
    (("--batch", "x.toml", "extra.csv"), "--batch takes no DATASET argument"),
])
def test_a_usage_error_exits_2_through_argparse(args: tuple[str, ...], fragment: str,
                                                cli: CliRunner) -> None:
    assert_refused(cli(*args), fragment, usage=True)


def test_a_usage_error_in_a_real_process() -> None:
    result = run_main("--frobnicate", timeout=60)

    assert_refused(result, "unrecognized arguments", usage=True)
    assert result.err.startswith("usage: main.py")
