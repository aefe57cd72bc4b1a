"""A search cut short continues where it left off: killed (a real process, SIGKILL in the
middle of a trial's training) or stopped through the engine's ``RunControl`` from a worker
thread, as the window will. Finished trials are never trained again; the trial that was cut
short is interrupted in the catalog and failed in Optuna, and its values are run again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest
from cli_helpers import CliRunner, MainProcess, write_toml
from factories import write_text_table

from app.core import testpoints
from app.core.catalog import Catalog
from app.core.engine import Callback, EpochEnd, RunControl
from app.core.experiments import read_experiments
from app.core.search import SearchStarted, TrialEnded, TrialStarted, open_storage, run_search

SEARCH = """
[[experiment]]
name = "resumable"
dataset = "{table}"
model = "bag_of_embeddings"
epochs = 2
batch_size = 8
threads = 1

[experiment.search]
trials = 5
sampler = "random"
pruner = "none"

[experiment.search.space]
lr = {{ low = 1e-3, high = 1e-1, log = true }}
"model_options.embed_dim" = [8, 16, 24]
"""


@pytest.fixture
def search_file(tmp_path: Path) -> Path:
    table = write_text_table(tmp_path / "table.csv", rows_per_class=6)
    return write_toml(tmp_path / "search.toml", SEARCH.format(table=table.name))


@pytest.fixture
def processes() -> Iterator[list[MainProcess]]:
    started: list[MainProcess] = []
    yield started
    for process in started:
        process.close()


def _optuna_trials(catalog: Catalog) -> list:
    (study,) = catalog.list_studies()
    return optuna.load_study(study_name=study.settings["optuna_study"],
                             storage=open_storage(catalog.path)).trials


def test_a_killed_search_continues_without_repeating_trials(
        search_file: Path, tmp_path: Path, cli: CliRunner, processes: list[MainProcess],
        monkeypatch: pytest.MonkeyPatch) -> None:
    catalog_path = tmp_path / "catalog.sqlite"
    # 2 epochs a trial: the 7th report is trial 3's first epoch, mid-training
    monkeypatch.setenv(testpoints.ENV_VAR, f"{testpoints.SEARCH_EPOCH}:7")
    process = MainProcess("--batch", search_file, "--catalog", catalog_path)
    processes.append(process)
    process.wait_for_line("TESTPOINT")
    process.kill()
    monkeypatch.delenv(testpoints.ENV_VAR)
    catalog = Catalog(catalog_path)
    before = {run.trial_number: run for run in catalog.list_runs(limit=None)}
    assert [before[n].status for n in range(4)] == ["completed"] * 3 + ["running"]

    result = cli("--batch", search_file, "--catalog", catalog_path)

    assert result.code == 0, result.err
    assert "continuing after 3 finished trial(s); trial(s) 3 cut short, run again" in result.out
    runs = {run.trial_number: run for run in catalog.list_runs(limit=None)}
    assert sorted(runs) == list(range(6))
    for number in range(3):  # untouched: not trained again
        assert runs[number] == before[number]
    assert runs[3].status == "interrupted"
    assert [runs[n].status for n in (0, 1, 2, 4, 5)] == ["completed"] * 5
    assert runs[4].config["lr"] == runs[3].config["lr"]  # the cut-short values, again
    assert runs[4].config["model_options"] == runs[3].config["model_options"]
    states = [trial.state.name for trial in _optuna_trials(catalog)]
    assert states == ["COMPLETE"] * 3 + ["FAIL"] + ["COMPLETE"] * 2
    (study,) = catalog.list_studies()
    assert study.status == "completed" and study.trial_counts == {"completed": 5,
                                                                  "interrupted": 1}


class _StopAtTrial(Callback):
    """Presses Stop during the first epoch of the ``n``-th trial run this session."""

    def __init__(self, control: RunControl, trial: int) -> None:
        self.control, self.trial, self.epochs = control, trial, 0

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.epochs += 1
        if self.epochs == 2 * self.trial + 1:
            self.control.request_stop()


def test_a_search_stopped_from_a_worker_thread_continues_later(
        search_file: Path, tmp_path: Path) -> None:
    (experiment,) = read_experiments(search_file)
    catalog = Catalog(tmp_path / "catalog.sqlite")
    control, events, result = RunControl(), [], {}

    def work() -> None:
        result["outcome"] = run_search(experiment.search, catalog, control=control,
                                       callbacks=(_StopAtTrial(control, 2),),
                                       on_event=events.append)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive()

    outcome = result["outcome"]
    assert (outcome.status, outcome.reason, outcome.finished) == ("stopped", "stopped", 2)
    assert [type(e) for e in events] == [SearchStarted, *[TrialStarted, TrialEnded] * 3]
    assert [e.status for e in events if isinstance(e, TrialEnded)] == [
        "completed", "completed", "stopped"]
    (study,) = catalog.list_studies()
    assert study.status == "stopped" and study.best_run_id == outcome.best_run_id

    events.clear()
    again = run_search(experiment.search, catalog, on_event=events.append)

    assert (again.status, again.reason, again.finished) == ("completed", "trials", 5)
    assert events[0].finished_before == 2
    runs = {run.trial_number: run for run in catalog.list_runs(limit=None)}
    assert runs[2].status == "stopped" and runs[3].config["lr"] == runs[2].config["lr"]
    assert sorted(runs) == list(range(6))
    assert catalog.get_study(study.id).status == "completed"
