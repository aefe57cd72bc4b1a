"""``torchrun --standalone --nproc-per-node 2 main.py --batch``: real processes, gloo on the CPU.

One run of the bundled topics table is trained by two processes: the catalog gets one run
(world size 2, gloo, two CPU devices) written once by rank zero. ``batch_size`` is per
process, so two processes take half the optimiser steps of one with twice the global batch;
the single-process run of the same file therefore learns faster per epoch. Measured on this
file (8 epochs): test accuracy 0.850 with two processes vs 0.925 with one, final validation
loss 0.53 vs 0.30, hence the stated tolerances (0.10 accuracy, 0.30 loss). With the global
batch equal (one process at batch 32) the run is the same arithmetic: each rank's batch k is
the odd or even half of the single process's batch k and the gradients are averaged, so with
dropout off every figure agrees to float rounding (measured: identical test and validation
figures, train loss 0.49311677 vs 0.49311676).

A SIGKILL of rank 1 in the middle of epoch 2 ends every process (torchrun tears the launch
down; rank zero's collective fails and it records the run ``interrupted``), and ``--resume``
finishes it from the epoch-1 checkpoint with two processes, or with one, exactly as the
uninterrupted run ends. A SIGKILL of rank zero leaves the run to start-up recovery. Tests
marked slow add the variants and Ctrl-C on the launcher (20-35 s each on 2 shared cores).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import REPO, MainProcess, run_main, write_toml

from app.batch import run_batch
from app.core.catalog import Catalog, RunRecord
from app.core.testpoints import ENV_VAR, RANK_VAR, TRAINING_STEP

TORCHRUN = Path(sys.executable).with_name("torchrun")
pytestmark = pytest.mark.skipif(not TORCHRUN.exists(), reason="torchrun is not installed")

EPOCHS = 8
STEPS_PER_EPOCH = 17  # ceil(520 / 2) = 260 samples per process in batches of 16
ACCURACY_TOLERANCE = 0.10  # same file, one process vs two (measured 0.075)
VAL_LOSS_TOLERANCE = 0.30  # same file (measured 0.22)
SAME_BATCH_TOLERANCE = 1e-4  # two processes at 16 vs one at 32 (measured ~1e-8)
SINGLE_THREAD = {"OMP_NUM_THREADS": "1"}


def _experiments(tmp_path: Path, epochs: int = EPOCHS, batch_size: int = 16) -> Path:
    """The bundled topics table; dropout off, so nothing random differs between processes
    but the samples each one sees."""
    topics = REPO / "resources" / "samples" / "topics.csv"
    return write_toml(tmp_path / f"topics-{batch_size}.toml", f"""
[[experiment]]
name = "topics-ddp"
dataset = "{topics}"
model = "bag_of_embeddings"
epochs = {epochs}
batch_size = {batch_size}
seed = 0
threads = 1

[experiment.model_options]
dropout = 0.0
""")


def _alone(experiments: Path, catalog_path: Path) -> RunRecord:
    """The file trained by this one process (no torchrun), its catalog run."""
    with open(os.devnull, "w") as quiet:
        assert run_batch(experiments, catalog_path, out=quiet, err=quiet) == 0
    return Catalog(catalog_path).get_run_record(1)


def _launcher(processes: int = 2) -> tuple[str, ...]:
    return (str(TORCHRUN), "--standalone", f"--nproc-per-node={processes}")


def _torchrun(*args: object, processes: int = 2, timeout: float = 180
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_launcher(processes), str(REPO / "main.py"), *map(str, args)],
                          cwd=REPO, env={**os.environ, **SINGLE_THREAD}, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def launches() -> Iterator[list[MainProcess]]:
    started: list[MainProcess] = []
    yield started
    for launch in started:
        launch.close()


def _epoch_steps(catalog: Catalog, run_id: int, key: str) -> list[int]:
    return [point.step for point in catalog.history([run_id], [key])[run_id][key]]


def _rank_pid(launcher_pid: int, rank: int) -> int:
    """The pid of torchrun's worker with ``RANK=rank`` (its children, by their environment)."""
    children = Path(f"/proc/{launcher_pid}/task/{launcher_pid}/children").read_text().split()
    for child in map(int, children):
        environ = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
        if f"RANK={rank}".encode() in environ:
            return child
    raise AssertionError(f"no rank {rank} among torchrun's children {children}")


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended


def test_two_processes_write_one_run_once_close_to_one_process(tmp_path: Path) -> None:
    experiments = _experiments(tmp_path)
    catalog_path = tmp_path / "ddp" / "catalog.sqlite"
    done = _torchrun("--batch", experiments, "--catalog", catalog_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(f"epoch 1/{EPOCHS}") == 1  # rank 1 prints nothing
    assert "Traceback" not in done.stdout + done.stderr
    catalog = Catalog(catalog_path)
    assert catalog.count_runs() == 1
    run = catalog.get_run_record(1)
    assert run.status == "completed" and run.epochs_done == EPOCHS
    assert dict(run.environment["distributed"]) == {
        "world_size": 2, "backend": "gloo", "devices": ("cpu", "cpu"),
        "hosts": run.environment["distributed"]["hosts"]}
    assert run.device == "2 × cpu (gloo)"
    assert _epoch_steps(catalog, 1, "train_loss") == list(range(1, EPOCHS + 1))  # once each
    artifacts = [artifact.kind for artifact in catalog.get_run(1).artifacts]
    assert sorted(artifacts) == ["bundle", "checkpoint", "predictions", "weights"]
    assert sorted(p.name for p in run.run_dir.iterdir()) == sorted(
        ["bundle.json", "checkpoint.pt", "model.safetensors", "predictions.safetensors"])
    assert [p.name for p in catalog_path.parent.iterdir() if p.suffix == ".sqlite"] == [
        "catalog.sqlite"]

    alone = _alone(experiments, tmp_path / "alone" / "catalog.sqlite")
    assert "distributed" not in alone.environment and alone.device == "cpu"
    assert abs(run.test_accuracy - alone.test_accuracy) <= ACCURACY_TOLERANCE, (
        run.test_accuracy, alone.test_accuracy)
    assert abs(run.final_val_loss - alone.final_val_loss) <= VAL_LOSS_TOLERANCE, (
        run.final_val_loss, alone.final_val_loss)
    same_batch = _alone(_experiments(tmp_path, batch_size=32),
                        tmp_path / "batch-32" / "catalog.sqlite")
    for field in ("final_train_loss", "final_val_loss", "final_val_accuracy", "test_accuracy"):
        assert getattr(run, field) == pytest.approx(getattr(same_batch, field),
                                                    abs=SAME_BATCH_TOLERANCE), field


def _killed_in_epoch_two(tmp_path: Path, launches: list[MainProcess],
                         rank: int = 1) -> Path:
    """Train with two processes, SIGKILL ``rank`` inside a step of epoch 2 and wait for the
    launch to end (every process gone); the run's catalog."""
    experiments = _experiments(tmp_path, epochs=3)
    catalog_path = tmp_path / "catalog.sqlite"
    step = STEPS_PER_EPOCH + 5
    launch = MainProcess("--batch", experiments, "--catalog", catalog_path,
                         launcher=_launcher(),
                         env={**SINGLE_THREAD, ENV_VAR: f"{TRAINING_STEP}:{step}",
                              RANK_VAR: str(rank)})
    launches.append(launch)
    launch.wait_for_line(f"TESTPOINT {TRAINING_STEP} {step}")
    survivor = _rank_pid(launch.proc.pid, 1 - rank)
    os.kill(_rank_pid(launch.proc.pid, rank), signal.SIGKILL)
    ended = launch.finish(timeout=90)  # bounded: torchrun ends the launch, or the test fails

    assert ended.code != 0
    assert not _alive(survivor)
    assert "Traceback" not in ended.out
    return catalog_path


def test_a_killed_rank_ends_the_launch_and_two_processes_resume_the_run(
        tmp_path: Path, launches: list[MainProcess]) -> None:
    catalog_path = _killed_in_epoch_two(tmp_path, launches)
    catalog = Catalog(catalog_path)
    run = catalog.get_run_record(1)
    assert run.status == "interrupted", run.message
    assert "another process of the run ended" in run.message
    assert run.epochs_done == 1 and (run.run_dir / "checkpoint.pt").is_file()

    resumed = _torchrun("--resume", 1, "--catalog", catalog_path)

    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    run = Catalog(catalog_path).get_run_record(1)
    assert run.status == "completed" and run.epochs_done == 3
    assert Catalog(catalog_path).count_runs() == 1
    assert _epoch_steps(Catalog(catalog_path), 1, "train_loss") == [1, 2, 3]


@pytest.mark.slow
def test_a_killed_rank_zero_leaves_the_run_to_recovery_and_resume(
        tmp_path: Path, launches: list[MainProcess]) -> None:
    """Rank 1 writes nothing when the writer dies: the run stays as rank zero left it
    (running, its process gone) until the next start marks it interrupted."""
    catalog_path = _killed_in_epoch_two(tmp_path, launches, rank=0)
    catalog = Catalog(catalog_path)
    run = catalog.get_run_record(1)
    assert run.status == "running" and run.epochs_done == 1 and catalog.resumable(1)

    resumed = _torchrun("--resume", 1, "--catalog", catalog_path)

    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "was interrupted when its process ended" in resumed.stdout
    assert Catalog(catalog_path).get_run_record(1).status == "completed"


@pytest.mark.slow
def test_a_run_of_two_processes_resumes_in_one(tmp_path: Path,
                                               launches: list[MainProcess]) -> None:
    catalog_path = _killed_in_epoch_two(tmp_path, launches)

    resumed = run_main("--resume", 1, "--catalog", catalog_path)

    assert resumed.code == 0, resumed.both
    run = Catalog(catalog_path).get_run_record(1)
    assert run.status == "completed" and run.epochs_done == 3 and run.device == "cpu"
    assert run.environment["distributed"]["world_size"] == 2  # as it was created


@pytest.mark.slow
def test_a_killed_and_resumed_run_ends_as_the_uninterrupted_one(
        tmp_path: Path, launches: list[MainProcess]) -> None:
    """Reproducible for a given world size: the same shards, optimiser state and RNG."""
    catalog_path = _killed_in_epoch_two(tmp_path / "killed", launches)
    assert _torchrun("--resume", 1, "--catalog", catalog_path).returncode == 0
    whole_path = tmp_path / "whole" / "catalog.sqlite"
    assert _torchrun("--batch", _experiments(tmp_path, epochs=3), "--catalog",
                     whole_path).returncode == 0

    resumed = Catalog(catalog_path).get_run_record(1)
    whole = Catalog(whole_path).get_run_record(1)
    for field in ("final_train_loss", "final_val_loss", "final_val_accuracy", "test_accuracy"):
        assert getattr(resumed, field) == pytest.approx(getattr(whole, field), abs=1e-6), field


@pytest.mark.slow
def test_ctrl_c_on_the_launcher_stops_every_process_at_one_step(
        tmp_path: Path, launches: list[MainProcess]) -> None:
    experiments = _experiments(tmp_path, epochs=EPOCHS)
    catalog_path = tmp_path / "catalog.sqlite"
    launch = MainProcess("--batch", experiments, "--catalog", catalog_path,
                         launcher=_launcher(), env=SINGLE_THREAD)
    launches.append(launch)
    launch.wait_for_line(f"epoch 1/{EPOCHS}")
    launch.proc.send_signal(signal.SIGINT)  # the launcher only: torchrun forwards it
    ended = launch.finish(timeout=90)

    assert "Traceback" not in ended.out
    run = Catalog(catalog_path).get_run_record(1)
    assert run.status == "stopped", run.message
    assert 1 <= run.epochs_done < EPOCHS

    resumed = _torchrun("--resume", 1, "--catalog", catalog_path)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert Catalog(catalog_path).get_run_record(1).status == "completed"


def test_a_search_under_torchrun_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    topics = REPO / "resources" / "samples" / "topics.csv"
    search = write_toml(tmp_path / "search.toml", f"""
[[experiment]]
name = "topics-search"
dataset = "{topics}"
model = "bag_of_embeddings"
epochs = 1

[experiment.search]
trials = 2

[experiment.search.space]
lr = [0.001, 0.01]
""")
    catalog_path = tmp_path / "catalog.sqlite"
    done = _torchrun("--batch", search, "--catalog", catalog_path)

    assert done.returncode != 0
    assert done.stderr.count("error: ") == 1, done.stderr  # rank zero says it, once
    assert "do not run under torchrun yet" in done.stderr
    assert not catalog_path.exists()
