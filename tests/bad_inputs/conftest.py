"""Fixtures of the bad-input corpus: ``main`` in-process, one tiny dataset of each kind and one
catalog holding a completed run, each made once per session and copied per test.

Most cases run ``app.cli.main`` in-process (what ``main.py`` calls, without paying the torch
import again); the few that need what only a real process shows (a named pipe that could hang,
a terminal that refuses undecodable bytes) use ``run_main`` from ``tests/batch/cli_helpers``.
"""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import write_image_folder, write_text_table

from app.cli import main
from app.core.datasets import clear_dataset_cache
from tests.bad_inputs.checks import CliRunner
from tests.batch.cli_helpers import CliResult, write_toml


@pytest.fixture(autouse=True)
def _fresh_dataset_cache() -> Iterator[None]:
    clear_dataset_cache()
    yield
    clear_dataset_cache()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """``cli("--batch", path, ...)`` → exit code and captured stdout/stderr of ``main``."""

    def run(*args: object) -> CliResult:
        capsys.readouterr()
        try:
            code = main([os.fspath(a) if isinstance(a, Path) else str(a) for a in args])
        except SystemExit as exit_:  # argparse: usage errors
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def image_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 classes × 6 tiny PNGs; copy it (``builders.copy_images``) before spoiling it."""
    return write_image_folder(tmp_path_factory.mktemp("images") / "colours", per_class=6,
                              size=8)


@pytest.fixture
def images(image_template: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny image folder."""
    return Path(shutil.copytree(image_template, tmp_path / "colours"))


@pytest.fixture
def table(tmp_path: Path) -> Path:
    """A good CSV table: 3 classes × 6 rows, header ``text,label``."""
    return write_text_table(tmp_path / "data" / "tiny.csv", rows_per_class=6)


@pytest.fixture(scope="session")
def _catalog_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog folder holding one completed run, trained once per session, checkpointed
    so the copies are one self-contained file plus the run folders."""
    from app.batch import run_batch

    folder = tmp_path_factory.mktemp("catalog-template")
    data = write_text_table(folder / "data" / "tiny.csv", rows_per_class=6)
    experiments = write_toml(folder / "data" / "tiny.toml", f"""
[[experiment]]
name = "existing"
dataset = "{data.name}"
model = "bag_of_embeddings"
epochs = 1
batch_size = 8
""")
    catalog = folder / "catalog" / "catalog.sqlite"
    with open(os.devnull, "w") as quiet:
        assert run_batch(experiments, catalog, out=quiet, err=quiet) == 0
    gc.collect()  # let go of the catalog's idle connection before the checkpoint
    with sqlite3.connect(catalog) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return catalog.parent


@pytest.fixture
def existing_catalog(_catalog_template: Path, tmp_path: Path) -> Path:
    """A private copy of a catalog that already holds one completed run (id 1)."""
    folder = Path(shutil.copytree(_catalog_template, tmp_path / "existing",
                                  ignore=shutil.ignore_patterns("*-wal", "*-shm")))
    return folder / "catalog.sqlite"
