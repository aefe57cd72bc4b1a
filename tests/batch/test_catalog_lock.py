"""Another program holding the catalog's write lock does not fail a training run.

A second process (what a `sqlite3` shell in `BEGIN IMMEDIATE` does) holds the write lock
while a real batch run trains. The run's writes wait in memory, training goes on, the console
names the process holding the lock, and once it lets go every record lands: the run completes
with all its epochs. The busy timeout is shortened to one second so the test waits seconds,
not minutes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import MainProcess, write_toml
from factories import write_text_table

from app.core.catalog import Catalog

LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
print("released", flush=True)
"""


def test_a_held_write_lock_delays_the_records_but_fails_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_text_table(tmp_path / "big.csv", rows_per_class=300)
    experiments = write_toml(tmp_path / "e.toml", """
[[experiment]]
name = "patient"
dataset = "big.csv"
model = "bag_of_embeddings"
epochs = 5
batch_size = 4
threads = 1
""")
    catalog_path = tmp_path / "catalog.sqlite"
    monkeypatch.setenv("MODELDESK_BUSY_TIMEOUT_S", "1")
    batch = MainProcess("--batch", experiments, "--catalog", catalog_path)
    batch.wait_for_line("parameters on cpu")  # the run is in the catalog and training
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(catalog_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout is not None and locker.stdin is not None
        assert locker.stdout.readline().strip() == "locked"
        note = batch.wait_for_line("note: the catalog is locked by")
        assert f"(pid {locker.pid})" in note  # it says who holds the lock
        batch.wait_for_line("  epoch ")
        batch.wait_for_line("  epoch ")  # a later epoch: training went on meanwhile
        locker.stdin.write("\n")
        locker.stdin.flush()
        assert locker.stdout.readline().strip() == "released"
        result = batch.finish()
    finally:
        batch.close()
        locker.kill()
        locker.wait(timeout=60)
    assert result.code == 0, result.err
    assert "every record of this run is written" in result.out
    catalog = Catalog(catalog_path)
    (run,) = catalog.list_runs()
    assert (run.status, run.epochs_done) == ("completed", 5)
    history = catalog.history([run.id], ["val_loss"])[run.id]["val_loss"]
    assert [point.step for point in history] == [1, 2, 3, 4, 5]
