"""Several threads and several processes writing one catalog file at the same time.

Every operation opens its own connection and takes the write lock with ``BEGIN IMMEDIATE``, so
writers queue on the busy timeout instead of failing with "database is locked".
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path

from app.core.catalog import Catalog

RunFactory = Callable[..., int]

BATCHES = 60
POINTS_PER_BATCH = 25


def _log_batches(catalog: Catalog, run_id: int, worker: int) -> None:
    """Each worker writes its own keys into a shared run and its own run, mixed with reads."""
    own_run = catalog.create_run(
        name=f"worker {worker}", model="mlp", dataset_id=catalog.list_datasets()[0].id,
        config={"worker": worker}, seed=worker, total_epochs=BATCHES, environment={},
    )  # fmt: skip
    for batch in range(BATCHES):
        first = batch * POINTS_PER_BATCH
        points = [(f"w{worker}", step, batch, step / 10) for step in range(first, first + 25)]
        catalog.log_metrics(run_id, points)
        catalog.log_metrics(own_run, points)
        catalog.update_progress(own_run, epochs_done=batch + 1, final_train_loss=batch / 10)
        catalog.list_runs(sort="-final_train_loss", limit=10)
    catalog.finish_run(own_run, status="completed", test_metrics={"accuracy": worker / 10})


def _process_worker(path: str, run_id: int, worker: int, start: object, errors: object) -> None:
    try:
        catalog = Catalog(path)  # also races the other process through open and migration
        start.wait(timeout=60)  # type: ignore[attr-defined]
        _log_batches(catalog, run_id, worker)
    except BaseException as exc:  # reported to the parent, which fails the test
        errors.put(f"worker {worker}: {type(exc).__name__}: {exc}")  # type: ignore[attr-defined]
        raise


def _check_everything_arrived(catalog: Catalog, run_id: int, workers: int) -> None:
    expected_steps = list(range(BATCHES * POINTS_PER_BATCH))
    shared = catalog.history([run_id])[run_id]
    assert sorted(shared) == [f"w{worker}" for worker in range(workers)]
    for worker in range(workers):
        assert [p.step for p in shared[f"w{worker}"]] == expected_steps
    own = catalog.list_runs(text="worker", sort="name")
    assert [run.status for run in own] == ["completed"] * workers
    assert all(run.epochs_done == BATCHES for run in own)
    histories = catalog.history([run.id for run in own])
    for run, worker in zip(own, range(workers), strict=True):
        assert [p.step for p in histories[run.id][f"w{worker}"]] == expected_steps


def test_threads_share_one_catalog_object(catalog: Catalog, make_run: RunFactory):
    run_id = make_run(name="shared")
    workers = 4
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def work(worker: int) -> None:
        try:
            start.wait(timeout=60)
            _log_batches(catalog, run_id, worker)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    _check_everything_arrived(catalog, run_id, workers)


def test_processes_write_one_file(tmp_path: Path):
    path = tmp_path / "shared.sqlite"
    catalog = Catalog(path)
    dataset_id = catalog.register_dataset(tmp_path, "image", "fp", ["a"], {"a": 1}, 1)
    run_id = catalog.create_run(
        name="shared", model="mlp", dataset_id=dataset_id, config={}, seed=0,
        total_epochs=1, environment={},
    )  # fmt: skip
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    errors = context.Queue()
    processes = [
        context.Process(target=_process_worker, args=(str(path), run_id, worker, start, errors))
        for worker in range(2)
    ]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=300)
    reported = [errors.get(timeout=1) for _ in range(errors.qsize())] if not errors.empty() else []
    assert reported == []
    assert [process.exitcode for process in processes] == [0, 0]
    _check_everything_arrived(catalog, run_id, 2)


def test_processes_racing_to_create_a_new_catalog_migrate_it_once(tmp_path: Path):
    path = tmp_path / "fresh" / "catalog.sqlite"
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=Catalog, args=(str(path),)) for _ in range(3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0, 0, 0]
    assert Catalog(path).list_datasets() == []
