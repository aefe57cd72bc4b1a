"""A shared search in the Search view: the study the desktop took part in is re-read from its
shared storage while shown, so a trial another worker (a real ``main.py --batch --worker``
process with its own catalog) finishes appears without any click, with the machine it ran on."""

from __future__ import annotations

from pathlib import Path

from factories import write_text_table

from app.batch import run_batch
from tests.batch.cli_helpers import MainProcess, write_toml

SEARCH = """
[[experiment]]
name = "shared"
dataset = "table.csv"
model = "bag_of_embeddings"
epochs = 1
threads = 1
batch_size = 8

[experiment.search]
storage = "{storage}"
sampler = "grid"
trials = {trials}
pruner = "none"

[experiment.search.space]
lr = [0.01, 0.03, 0.1, 0.3]
"""


def test_other_workers_trials_arrive_in_the_search_view(qtbot, window, tmp_path: Path,  # noqa: ANN001
                                                        monkeypatch) -> None:  # noqa: ANN001
    write_text_table(tmp_path / "table.csv", rows_per_class=8)
    storage = tmp_path / "study.log"
    mine = write_toml(tmp_path / "mine.toml", SEARCH.format(storage=storage, trials=2))
    theirs = write_toml(tmp_path / "theirs.toml", SEARCH.format(storage=storage, trials=4))
    with open(tmp_path / "batch.log", "w") as quiet:  # the desktop's own two trials
        assert run_batch(mine, window.state.catalog.path, out=quiet, err=quiet) == 0

    page = window.show_page("Search")
    page.follow_timer.setInterval(300)
    page.refresh_studies()
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=20_000)
    assert "shared by 1 worker machine(s)" in page.status_label.text()
    assert page.follow_timer.isActive()

    worker = MainProcess("--batch", theirs, "--worker", "--catalog", tmp_path / "w.sqlite")
    try:
        assert worker.finish(timeout=300).code == 0
    finally:
        worker.close()
    qtbot.waitUntil(lambda: page.table.rowCount() == 4, timeout=20_000)
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert "Worker" in headers
    assert page.table.run_ids().count(None) == 2  # their runs live in their catalog
