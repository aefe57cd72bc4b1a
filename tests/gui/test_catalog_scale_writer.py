"""The Catalog page working on a catalog that a second process (a batch job) writes meanwhile.

The writer is a real process (this file run as a script): it creates runs and trains them the
way batch mode records them (``create_run``, ``mark_running``, per epoch ``log_metrics`` and
``update_progress``, ``finish_run``) and prints each run's id once its last write committed.
Meanwhile the window refreshes, sorts, filters, tags, trashes and restores, waiting on
conditions (never sleeping). The test asserts that no error message reached the user and that
every run the writer committed is in the table at the end. In CI it runs for about fifteen
seconds on a few hundred runs; ``MODELDESK_LONG_TESTS=1`` runs it for four minutes on 10,000.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

LONG = os.environ.get("MODELDESK_LONG_TESTS") == "1"
RUNS = 10_000 if LONG else 300
WRITER_SECONDS = 240 if LONG else 15
EPOCHS = 10
KEYS = ("train_loss", "val_loss", "val_accuracy", "lr")


def _points(run: int, epoch: int) -> list[tuple[str, int, int, float]]:
    return [(key, epoch, epoch, (run * 7 + epoch * 13 + n) % 97 / 97) for n, key in
            enumerate(KEYS)]


def fill(path: Path, runs: int) -> None:
    """``runs`` finished runs in one transaction through the store's own point encoding."""
    from app.core.catalog import Catalog
    from app.core.catalog._metrics import insert_points

    catalog = Catalog(path)
    dataset = catalog.register_dataset(path.parent / "data", "image", "fp", ["a"], {"a": 1}, 1)
    cache: dict[str, int] = {}
    with catalog._write() as db:
        for run in range(runs):
            run_id = db.execute(
                "INSERT INTO runs (uid, name, status, model, dataset_id, config, created_at,"
                " epochs_done, total_epochs, test_accuracy, run_dir) VALUES (?, ?, 'completed',"
                " ?, ?, ?, ?, ?, ?, ?, ?)",
                [f"{run:032x}", f"seed run {run}", ("mlp", "cnn")[run % 2], dataset,
                 json.dumps({"lr": 10 ** -(1 + run % 3)}), f"2026-01-01T00:00:00.{run:06d}Z",
                 EPOCHS, EPOCHS, (run % 100) / 100, f"{run:032x}"]).lastrowid
            for epoch in range(1, EPOCHS + 1):
                cache.update(insert_points(db, run_id, _points(run_id, epoch), cache))
    catalog.close()


def write_runs(path: str, seconds: float, out: str) -> None:
    """The second process: train runs into the catalog until ``seconds`` have passed; each
    committed run's id is appended to the file ``out`` (a pipe nobody reads would fill)."""
    from app.core.catalog import Catalog

    catalog = Catalog(path)
    report = open(out, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole loop
    dataset = catalog.list_datasets()[0].id
    deadline = time.monotonic() + seconds
    for number in itertools.count():
        if time.monotonic() > deadline:
            break
        run_id = catalog.create_run(name=f"batch {number}", model="batch_mlp", dataset_id=dataset,
                                    config={"lr": 0.01, "epochs": EPOCHS}, seed=number,
                                    total_epochs=EPOCHS, environment={"writer": os.getpid()})
        catalog.mark_running(run_id, device="cpu", pid=os.getpid(), hostname="batch")
        for epoch in range(1, EPOCHS + 1):
            catalog.log_metrics(run_id, _points(run_id, epoch))
            catalog.update_progress(run_id, epochs_done=epoch, final_val_accuracy=epoch / 10)
            catalog.heartbeat(run_id)
        catalog.finish_run(run_id, status="completed", wall_seconds=1.0,
                           test_metrics={"accuracy": (number % 10) / 10}, health=None)
        print(run_id, file=report, flush=True)
    print("done", file=report, flush=True)


@pytest.fixture
def catalog_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "catalog.sqlite"
    fill(path, RUNS)
    return path


def test_the_window_and_a_batch_writer_share_the_catalog(qtbot, settings, queue,  # noqa: ANN001
                                                         catalog_path: Path) -> None:
    from test_catalog_page import column, settle

    from app.gui.pages.catalog_page import CatalogPage
    from app.gui.state import AppState

    state = AppState(settings, catalog_path=catalog_path)
    page = CatalogPage(state, queue)
    qtbot.addWidget(page)
    page.resize(1110, 760)
    page.show()
    errors: list[str] = []
    shown = page.message.show_message
    page.message.show_message = lambda text, **kw: (  # every message the user would see
        errors.append(text) if kw.get("kind") == "error" else None, shown(text, **kw))[1]
    settle(qtbot, page)
    report = catalog_path.with_suffix(".written")
    writer = subprocess.Popen(
        [sys.executable, __file__, str(catalog_path), str(WRITER_SECONDS), str(report)],
        stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    trashed: set[int] = set()
    actions = itertools.cycle(("refresh", "sort", "filter", "tag", "trash", "scroll"))
    rounds = 0
    while writer.poll() is None:
        _act(qtbot, page, next(actions), rounds, trashed, column)
        settle(qtbot, page)
        rounds += 1
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    out = report.read_text(encoding="utf-8")
    written = [int(line) for line in out.split() if line.isdigit()]
    assert out.rstrip().endswith("done") and written, out[-500:]
    page.filters.set_choice("status", None)
    page.filters.search.clear()
    page.filters.thresholds.clear()
    page.filters.flush()
    settle(qtbot, page)
    with qtbot.waitSignal(page.model.loaded, timeout=60_000):
        page.table.sortByColumn(column("ID"), Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: _scrolled_to_end(page), timeout=120_000)
    settle(qtbot, page)
    shown_ids = {run.id for run in page.model.runs}
    assert errors == []
    assert not (set(written) - trashed) - shown_ids  # every committed run is in the table
    assert len(shown_ids) == page.model.total == state.catalog.count_runs()
    assert rounds > 5, "the window hardly acted while the writer wrote"
    print(f"{rounds} window actions while the writer committed {len(written)} runs; "
          f"{len(shown_ids)} runs listed at the end, {len(trashed)} left in the trash")


def _scrolled_to_end(page) -> bool:  # noqa: ANN001
    page.table.scrollToBottom()
    return not page.model.busy and not page.model.canFetchMore()


def _act(qtbot, page, action: str, number: int, trashed: set[int], column) -> None:  # noqa: ANN001
    model = page.model
    if action == "refresh":
        page.state.runs_changed.emit()
    elif action == "sort":
        title = ("Test acc", "Created", "Name", "Epochs")[number % 4]
        page.table.sortByColumn(column(title), Qt.SortOrder.DescendingOrder)
    elif action == "filter":
        if number % 3 == 0:
            page.filters.set_choice("status", ("running", "completed", None)[number % 3])
        page.filters.search.setText(("batch", "", "seed run 1")[number % 3])
        page.filters.thresholds.setText(("", "lr <= 0.01", "test_accuracy >= 0.5")[number % 3])
        page.filters.flush()
    elif action == "tag" and model.runs:
        run = model.runs[number % len(model.runs)]
        page.select_runs([run.id])
        qtbot.waitUntil(lambda: page.detail.run_id == run.id and not page.detail.busy,
                        timeout=60_000)
        page.detail.overview.tags_edit.setText(f"seen-{number}")
        with qtbot.waitSignal(page.state.run_changed, timeout=60_000):
            page.detail.overview.tags_edit.editingFinished.emit()
    elif action == "trash":
        done = [run.id for run in model.runs if run.status == "completed" and run.id not in trashed]
        if done:
            victim = done[number % len(done)]
            with qtbot.waitSignal(page.runs_trashed, timeout=60_000):
                page.trash_runs([victim])
            if number % 2:
                with qtbot.waitSignal(page.runs_restored, timeout=60_000):
                    page.undo_trash()
            else:
                trashed.add(victim)
    elif action == "scroll":
        for _ in range(5):
            page.table.scrollToBottom()
            qtbot.waitUntil(lambda: not model.busy, timeout=60_000)


if __name__ == "__main__":
    write_runs(sys.argv[1], float(sys.argv[2]), sys.argv[3])
