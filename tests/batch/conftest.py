"""Fixtures for batch-mode and CLI tests: ``main`` in-process, a catalog with one run in it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import CliResult, CliRunner, write_toml
from factories import write_text_table

from app.cli import main
from app.core.catalog import Catalog


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """``cli("--batch", path, ...)`` → exit code and captured stdout/stderr of ``main``."""

    def run(*args: object) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse: --help, --version, usage errors
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def _catalog_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A catalog folder holding one completed run, trained once per session."""
    from app.batch import run_batch

    folder = tmp_path_factory.mktemp("template")
    table = write_text_table(folder / "data" / "tiny.csv", rows_per_class=6)
    experiments = write_toml(folder / "data" / "tiny.toml", f"""
[[experiment]]
name = "existing"
dataset = "{table.name}"
model = "bag_of_embeddings"
epochs = 1
batch_size = 8
""")
    catalog = folder / "catalog" / "catalog.sqlite"
    with pytest.MonkeyPatch.context() as patch:  # keep logs out of the user's folders
        patch.setenv("MODELDESK_LOG_DIR", str(folder / "logs"))
        patch.setenv("MODELDESK_CATALOG", str(catalog))
        with open(os.devnull, "w") as quiet:
            code = run_batch(experiments, catalog, out=quiet, err=quiet)
    assert code == 0
    yield catalog.parent


@pytest.fixture
def existing_catalog(_catalog_template: Path, tmp_path: Path) -> Path:
    """A private copy of a catalog that already holds one completed run (id 1)."""
    folder = shutil.copytree(_catalog_template, tmp_path / "existing")
    path = Path(folder) / "catalog.sqlite"
    run = Catalog(path).get_run_record(1)
    assert run.status == "completed" and run.name == "existing"
    return path
