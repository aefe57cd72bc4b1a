""""Find the best model" in batch mode: ``preset = "best_model"`` with a budget, on a tiny
text table (real trainings, 1 epoch), ends by naming its best run and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import write_toml
from factories import write_text_table

from app.cli import main
from app.core.catalog import Catalog
from app.core.search import preset_models

BEST_MODEL = """
[[experiment]]
name = "best"
dataset = "{table}"
epochs = 1
threads = 1

[experiment.search]
preset = "best_model"
timeout = 600
trials = 2
sampler = "random"
pruner = "none"
"""


def test_the_preset_names_its_best_run_and_why(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    table = write_text_table(tmp_path / "table.csv", rows_per_class=8)
    experiments = write_toml(tmp_path / "best.toml", BEST_MODEL.format(table=table.name))
    catalog_path = tmp_path / "catalog.sqlite"

    code = main(["--batch", str(experiments), "--catalog", str(catalog_path)])

    assert code == 0
    catalog = Catalog(catalog_path)
    (study,) = catalog.list_studies()
    assert list(study.space["model"]) == preset_models("text")
    best = catalog.get_run_record(study.best_run_id)
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.strip().startswith("Best: run"))
    assert f"Best: run {best.id} ({best.name}), {best.model}, val_accuracy" in line
    assert "parameters" in line and "s per epoch" in line


def test_a_preset_beside_a_space_exits_2_naming_both(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    table = write_text_table(tmp_path / "table.csv", rows_per_class=8)
    text = BEST_MODEL.format(table=table.name) + "\n[experiment.search.space]\nlr = [0.1]\n"
    experiments = write_toml(tmp_path / "best.toml", text)

    code = main(["--batch", str(experiments), "--catalog", str(tmp_path / "c.sqlite")])

    assert code == 2
    assert "either a preset or a [experiment.search.space] table" in capsys.readouterr().err
    assert not (tmp_path / "c.sqlite").exists()
