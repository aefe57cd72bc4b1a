"""SIGKILL at random moments of a real batch run: nothing committed is lost or altered.

Each case starts ``main.py --batch`` in a subprocess on a catalog that already holds a completed
run, freezes it at a point chosen from the seed — before the first epoch, inside a training
step, inside an atomic file write (checkpoint, bundle, predictions), inside a catalog write
transaction — through ``app.core.testpoints``, and kills it there. Then: ``PRAGMA
integrity_check`` is ok, the completed run is exactly as it was, the next start (``--resume``)
leaves no temporary file behind and finishes the killed run under its id from its last complete
epoch. Six kills in CI; MODELDESK_LONG_TESTS=1 runs 24 (MODELDESK_KILLS=N any number).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cli_helpers import MainProcess, catalog_state, run_main, write_toml
from factories import write_text_table

from app.core import testpoints
from app.core.catalog import Catalog
from app.core.engine import load_checkpoint
from app.core.models import RunFolder

KILLS = int(os.environ.get("MODELDESK_KILLS", 24 if os.environ.get("MODELDESK_LONG_TESTS")
                           else 6))
EPOCHS = 3
STEPS_PER_EPOCH = 15  # 180 training rows in batches of 12
MOMENTS = ("before the first epoch", testpoints.TRAINING_STEP, testpoints.CHECKPOINT_WRITE,
           testpoints.CATALOG_WRITE)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A table, the experiment file, and a catalog holding one completed run (copied per case)."""
    folder = tmp_path_factory.mktemp("kills")
    write_text_table(folder / "table.csv", rows_per_class=100)
    write_toml(folder / "run.toml", f"""
[[experiment]]
name = "victim"
dataset = "table.csv"
model = "bag_of_embeddings"
epochs = {EPOCHS}
batch_size = 12
threads = 1
""")
    done = run_main("--batch", folder / "run.toml", "--catalog", folder / "base.sqlite")
    assert done.code == 0, done.err
    return folder


def _moment(seed: int) -> tuple[str, str | None]:
    """What this seed kills at, and the testpoint setting that freezes the process there."""
    rng = random.Random(seed)
    moment = MOMENTS[seed % len(MOMENTS)]
    if moment == testpoints.TRAINING_STEP:
        return moment, f"{moment}:{rng.randint(1, EPOCHS * STEPS_PER_EPOCH)}"
    if moment == testpoints.CHECKPOINT_WRITE:  # 2-3 atomic writes an epoch, then predictions
        return moment, f"{moment}:{rng.randint(1, 3 * EPOCHS)}"
    if moment == testpoints.CATALOG_WRITE:  # dataset, run row, running, then 2 an epoch
        return moment, f"{moment}:{rng.randint(1, 3 + 2 * EPOCHS)}"
    return moment, None


@pytest.mark.parametrize("seed", range(KILLS))
def test_a_kill_at_a_random_moment_loses_nothing(seed: int, prepared: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    catalog_path = tmp_path / "catalog.sqlite"
    shutil.copy(prepared / "base.sqlite", catalog_path)
    shutil.copytree(prepared / "base_runs", tmp_path / "catalog_runs")
    before = catalog_state(catalog_path)
    moment, point = _moment(seed)
    if point is not None:
        monkeypatch.setenv(testpoints.ENV_VAR, point)
    process = MainProcess("--batch", prepared / "run.toml", "--catalog", catalog_path)
    try:
        process.wait_for_line("TESTPOINT" if point else "parameters on cpu")
    finally:
        process.close()  # SIGKILL: nothing of the child's clean-up runs
    monkeypatch.delenv(testpoints.ENV_VAR, raising=False)

    with closing(sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", moment
    catalog = Catalog(catalog_path)
    assert catalog.get_run(1) == before[2][0], f"{moment}: the completed run changed"
    killed = [run for run in catalog.list_runs(limit=None) if run.id != 1]
    if not killed:  # frozen inside the transaction that creates the run: it rolled back
        assert moment == testpoints.CATALOG_WRITE
        kept = catalog.get_run_record(1).run_dir.name
        assert [p.name for p in (tmp_path / "catalog_runs").iterdir()] == [kept]  # no folder
        return
    (run,) = killed
    folder = RunFolder(run.run_dir)
    last_epoch = (load_checkpoint(folder.checkpoint)["epoch"] if folder.checkpoint.exists()
                  else 0)

    resumed = run_main("--resume", run.id, "--catalog", catalog_path)  # the next start
    assert resumed.code == 0, f"{moment}: {resumed.err}"
    after = catalog.get_run_record(run.id)
    assert (after.status, after.epochs_done) == ("completed", EPOCHS), moment
    if last_epoch:
        assert f"resuming after epoch {last_epoch}" in resumed.out, (moment, resumed.out)
    assert catalog.count_runs() == 2 and catalog.get_run(1) == before[2][0]
    strays = [p for p in (tmp_path / "catalog_runs").rglob("*") if re.search(r"\.tmp$", p.name)]
    assert strays == [], f"{moment}: temporary files left: {strays}"
