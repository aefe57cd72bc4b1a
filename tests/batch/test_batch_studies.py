"""Grids in batch mode are studies: one row per grid, its trials numbered, its end recorded.

A real ``main.py --batch`` process, because the study row is written by the jobs batch mode
runs and Ctrl-C reaches them only as a signal to a process. The Ctrl-C cases wait on console
lines (no sleeps): the table is big enough (~0.5 s an epoch) that a SIGINT sent on the
"epoch 1/3" line lands early in that trial's second epoch.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import MainProcess, run_main, write_toml
from factories import write_text_table

from app.core.catalog import Catalog, RunQuery, thaw

GRID_AND_PLAIN = """
[defaults]
dataset = "{table}"
model = "bag_of_embeddings"
epochs = 1
batch_size = 8
threads = 1

[[experiment]]
name = "sweep"

[experiment.grid]
lr = [0.01, 0.003]
"model_options.embed_dim" = [8, 16]

[[experiment]]
name = "plain"
"""


@pytest.fixture
def processes() -> Iterator[list[MainProcess]]:
    """Processes a test starts; killed and reaped whatever the test's outcome."""
    started: list[MainProcess] = []
    yield started
    for process in started:
        process.close()


def test_a_grid_is_one_completed_study_and_a_plain_experiment_is_none(tmp_path: Path) -> None:
    table = write_text_table(tmp_path / "table.csv", rows_per_class=5)
    experiments = write_toml(tmp_path / "grid.toml", GRID_AND_PLAIN.format(table=table.name))
    catalog_path = tmp_path / "catalog.sqlite"

    result = run_main("--batch", experiments, "--catalog", catalog_path)

    assert result.code == 0, result.both
    catalog = Catalog(catalog_path)
    (study,) = catalog.list_studies()
    assert (study.name, study.kind, study.sampler) == ("sweep", "grid", "grid")
    assert study.planned_trials == 4 and study.status == "completed"
    assert study.finished_at is not None
    assert thaw(study.space) == {"lr": [0.01, 0.003], "model_options.embed_dim": [8, 16]}
    trials = catalog.list_runs(RunQuery(study_id=study.id), limit=None)
    assert sorted(run.trial_number for run in trials) == [0, 1, 2, 3]
    by_number = {run.trial_number: run for run in trials}
    assert by_number[0].name == "sweep [lr=0.01, model_options.embed_dim=8]"
    assert by_number[3].name == "sweep [lr=0.003, model_options.embed_dim=16]"
    assert {run.status for run in trials} == {"completed"}
    assert dict(study.trial_counts) == {"completed": 4}
    assert study.best_run_id in {run.id for run in trials}
    (plain,) = [run for run in catalog.list_runs(limit=None) if run.name == "plain"]
    assert (plain.status, plain.study_id, plain.trial_number) == ("completed", None, None)
    assert catalog.count_runs() == 5


def _interrupted_grid(tmp_path: Path, epochs: str) -> tuple[Path, Path]:
    write_text_table(tmp_path / "big.csv", rows_per_class=1000)
    experiments = write_toml(tmp_path / "long.toml", f"""
[[experiment]]
name = "long sweep"
dataset = "big.csv"
model = "bag_of_embeddings"
batch_size = 4
threads = 1

[experiment.grid]
epochs = {epochs}
""")
    return experiments, tmp_path / "catalog.sqlite"


def _interrupt_on(experiments: Path, catalog_path: Path, line: str,
                  processes: list[MainProcess]) -> int:
    batch = MainProcess("--batch", experiments, "--catalog", catalog_path)
    processes.append(batch)
    batch.wait_for_line(line)
    batch.proc.send_signal(signal.SIGINT)
    stopped = batch.finish()
    assert "Traceback" not in stopped.both
    return stopped.code


def test_ctrl_c_in_a_grids_first_trial_leaves_the_study_stopped(
        tmp_path: Path, processes: list[MainProcess]) -> None:
    experiments, catalog_path = _interrupted_grid(tmp_path, "[3, 2]")

    assert _interrupt_on(experiments, catalog_path, "epoch 1/3", processes) == 130

    catalog = Catalog(catalog_path)
    (study,) = catalog.list_studies()
    assert (study.status, study.planned_trials, study.best_run_id) == ("stopped", 2, None)
    assert study.finished_at is not None
    assert dict(study.trial_counts) == {"stopped": 1}  # trial 1 never started
    assert catalog.count_runs() == 1 and catalog.get_run_record(1).trial_number == 0


def test_ctrl_c_in_a_grids_last_trial_leaves_the_study_stopped(
        tmp_path: Path, processes: list[MainProcess]) -> None:
    experiments, catalog_path = _interrupted_grid(tmp_path, "[1, 3]")

    assert _interrupt_on(experiments, catalog_path, "epoch 1/3", processes) == 130

    catalog = Catalog(catalog_path)
    (study,) = catalog.list_studies()
    assert dict(study.trial_counts) == {"completed": 1, "stopped": 1}
    assert study.status == "stopped"
