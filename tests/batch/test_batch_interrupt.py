"""Ctrl-C and a killed process: the run is kept and ``--resume`` finishes it under its id.

The table is big enough (2,100 training rows in batches of 4, ~0.5 s an epoch with one
thread) that a signal sent on the "epoch 1/3" line lands early in epoch 2; the loop reads the
stop flag before every batch.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import CliRunner, MainProcess, run_main, write_toml
from factories import write_text_table

from app.core.catalog import Catalog
from app.core.catalog._files import file_digest


def _long_batch(tmp_path: Path, epochs: int) -> Path:
    write_text_table(tmp_path / "big.csv", rows_per_class=1000)
    return write_toml(tmp_path / "long.toml", f"""
[[experiment]]
name = "long"
dataset = "big.csv"
model = "bag_of_embeddings"
epochs = {epochs}
batch_size = 4
threads = 1

[[experiment]]
name = "never-started"
dataset = "big.csv"
model = "bag_of_embeddings"
epochs = 1
""")


@pytest.fixture
def processes() -> Iterator[list[MainProcess]]:
    """Processes a test starts; killed and reaped whatever the test's outcome."""
    started: list[MainProcess] = []
    yield started
    for process in started:
        process.close()


def _epochs(catalog: Catalog, run_id: int, key: str) -> list[int]:
    return [point.step for point in catalog.history([run_id], [key])[run_id][key]]


def _assert_artifacts_match_files(catalog: Catalog, run_id: int) -> None:
    artifacts = {a.kind: a for a in catalog.get_run(run_id).artifacts}
    assert {"checkpoint", "weights", "bundle", "predictions"} <= set(artifacts)
    for artifact in artifacts.values():
        assert artifact.path.is_file()
        assert file_digest(artifact.path) == (artifact.size_bytes, artifact.sha256)


def test_ctrl_c_saves_a_stopped_run_that_resume_completes(
        tmp_path: Path, processes: list[MainProcess]) -> None:
    experiments = _long_batch(tmp_path, epochs=3)
    catalog_path = tmp_path / "catalog.sqlite"
    batch = MainProcess("--batch", experiments, "--catalog", catalog_path)
    processes.append(batch)

    batch.wait_for_line("epoch 1/3")
    batch.proc.send_signal(signal.SIGINT)
    stopped = batch.finish()

    assert stopped.code == 130, stopped.both
    assert "Traceback" not in stopped.both
    assert "stopping after this step" in stopped.err
    assert "run 1 saved as stopped" in stopped.err and "--resume 1" in stopped.err
    assert "1 experiment(s) not started" in stopped.err
    catalog = Catalog(catalog_path)
    run = catalog.get_run_record(1)
    assert run.status == "stopped"
    assert run.epochs_done == 1 and run.message == "stopped after epoch 1 of 3"
    checkpoint = next(a for a in catalog.get_run(1).artifacts if a.kind == "checkpoint")
    assert checkpoint.path.is_file()
    assert catalog.resumable(1)
    assert catalog.count_runs() == 1  # the second experiment never started

    resumed = run_main("--resume", 1, "--catalog", catalog_path)

    assert resumed.code == 0, resumed.both
    assert "resuming after epoch 1" in resumed.out
    assert "epoch 1/3" not in resumed.out and "epoch 3/3" in resumed.out
    run = catalog.get_run_record(1)
    assert (run.status, run.epochs_done, run.total_epochs) == ("completed", 3, 3)
    assert run.test_accuracy is not None and run.test_accuracy >= 0.9
    assert catalog.count_runs() == 1
    for key in ("train_loss", "val_loss", "val_accuracy"):
        assert _epochs(catalog, 1, key) == [1, 2, 3]
    _assert_artifacts_match_files(catalog, 1)


def test_killed_batch_leaves_a_running_run_that_resume_completes(
        cli: CliRunner, tmp_path: Path, processes: list[MainProcess]) -> None:
    experiments = _long_batch(tmp_path, epochs=4)
    catalog_path = tmp_path / "catalog.sqlite"
    batch = MainProcess("--batch", experiments, "--catalog", catalog_path)
    processes.append(batch)

    batch.wait_for_line("epoch 1/4")
    # while it trains nobody else may resume it: a live pid means "not resumable"
    refused = cli("--resume", 1, "--catalog", catalog_path)
    batch.wait_for_line("epoch 2/4")  # so at least epoch 1's checkpoint is on disk
    batch.kill()

    assert refused.code == 2 and "run 1 is running" in refused.err
    catalog = Catalog(catalog_path)
    run = catalog.get_run_record(1)
    assert run.status == "running"  # nobody was left to say otherwise
    assert 2 <= run.epochs_done < 4 and run.pid == batch.proc.pid
    assert catalog.get_run(1).artifacts == ()  # registered only at a run's end
    assert catalog.resumable(1)  # the pid is gone

    resumed = cli("--resume", 1, "--catalog", catalog_path)

    assert resumed.code == 0, resumed.both
    assert "resuming after epoch" in resumed.out
    assert "epoch 1/4" not in resumed.out and "epoch 4/4" in resumed.out
    run = catalog.get_run_record(1)
    assert (run.status, run.epochs_done) == ("completed", 4)
    assert catalog.count_runs() == 1
    assert _epochs(catalog, 1, "val_accuracy") == [1, 2, 3, 4]
    _assert_artifacts_match_files(catalog, 1)


def test_resume_refuses_a_completed_run(cli: CliRunner, existing_catalog: Path) -> None:
    result = cli("--resume", 1, "--catalog", existing_catalog)

    assert result.code == 2
    assert result.err.strip() == ("error: run 1 is completed; only stopped, failed or "
                                  "interrupted runs can be resumed")
    assert Catalog(existing_catalog).get_run_record(1).status == "completed"
