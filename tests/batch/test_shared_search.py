"""Searches shared by several ``main.py --batch FILE --worker`` processes: real workers (real
subprocesses, real tiny trainings) pulling trials from one Optuna study kept in a journal file
or in a real PostgreSQL server, each writing its own catalog, then imported into one.

What must hold: the study ends with the requested number of trials and no trial (no grid
point) is evaluated twice; a worker killed mid-trial leaves its trial failed, not running, and
another worker runs its values again; the workers' runs meet in one catalog with their study,
and importing again adds nothing.
"""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest
from cli_helpers import CliRunner, MainProcess, assert_one_error_line, catalog_state, write_toml
from factories import write_text_table
from postgres_server import postgres_server, server_programs

from app.core.catalog import Catalog
from app.core.search import open_storage

SHARED = """
[[experiment]]
name = "shared"
dataset = "{table}"
model = "bag_of_embeddings"
epochs = {epochs}
threads = 1
batch_size = 8

[experiment.search]
storage = "{storage}"
sampler = "{sampler}"
{budget}
pruner = "none"
seed = 3

[experiment.search.space]
lr = {space}
"""
GRID = '[0.003, 0.01, 0.03, 0.1, 0.3]'
RANGE = '{ low = 1e-3, high = 0.3, log = true }'


def _file(folder: Path, storage: str, *, sampler: str = "grid", budget: str = "",
          space: str = GRID, epochs: int = 1) -> Path:
    table = write_text_table(folder / "table.csv", rows_per_class=8)
    return write_toml(folder / "search.toml", SHARED.format(
        table=table.name, storage=storage, sampler=sampler, budget=budget, space=space,
        epochs=epochs))


def _workers(file: Path, folder: Path, count: int = 2) -> list[MainProcess]:
    return [MainProcess("--batch", file, "--worker", "--catalog", folder / f"w{n}.sqlite")
            for n in range(count)]


def _trials(storage: str, catalog: Path) -> list[optuna.trial.FrozenTrial]:
    """Every trial of the one study the worker with ``catalog`` took part in."""
    [study] = Catalog(catalog).list_studies()
    return optuna.load_study(study_name=study.settings["optuna_study"],
                             storage=open_storage(catalog, storage)).get_trials()


def _check_shared_grid(storage: str, folder: Path, cli: CliRunner) -> None:
    file = _file(folder, storage)
    workers = _workers(file, folder)
    results = [worker.finish(timeout=300) for worker in workers]
    for result in results:
        assert result.code == 0, result.both
    catalogs = [Catalog(folder / f"w{n}.sqlite") for n in range(2)]
    runs = [run for catalog in catalogs for run in catalog.list_runs(limit=None)]
    assert sorted(run.trial_number for run in runs) == sorted({r.trial_number for r in runs})
    assert sorted(run.config["lr"] for run in runs) == [0.003, 0.01, 0.03, 0.1, 0.3]
    assert all(run.status == "completed" for run in runs)
    assert {catalog.list_studies()[0].uid for catalog in catalogs if catalog.list_studies()} \
        == {catalogs[0].list_studies()[0].uid}  # one study, known by one uid everywhere

    completed = [t for t in _trials(storage, folder / "w0.sqlite")
                 if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(completed) == 5  # given-back trials (a race for a grid point) never trained
    desk = folder / "desk.sqlite"
    imported = cli("--import-runs", *(c.path for c in catalogs), "--catalog", desk)
    assert imported.code == 0, imported.both
    [study] = Catalog(desk).list_studies()
    assert study.trials == 5 and Catalog(desk).count_runs() == 5
    before = catalog_state(desk)
    again = cli("--import-runs", *(c.path for c in catalogs), "--catalog", desk)
    assert again.code == 0 and again.out.count("imported 0 run(s)") == 2
    assert catalog_state(desk) == before


def test_two_workers_share_a_grid_through_a_journal_file(tmp_path: Path,
                                                         cli: CliRunner) -> None:
    (tmp_path / "shared").mkdir()  # the shared filesystem's folder
    _check_shared_grid(str(tmp_path / "shared" / "study.log"), tmp_path, cli)


@pytest.fixture(scope="module")
def postgres_url() -> str:
    if server_programs() is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql); .ci/run "
                    "installs it")
    with postgres_server() as url:
        yield url


def test_two_workers_share_a_grid_through_postgresql(postgres_url: str, tmp_path: Path,
                                                     cli: CliRunner) -> None:
    _check_shared_grid(postgres_url, tmp_path, cli)


def test_the_trial_budget_holds_across_workers(postgres_url: str, tmp_path: Path) -> None:
    """TPE with ``trials = 4`` and two workers: four trials finish in all, not per worker."""
    storage = postgres_url
    file = _file(tmp_path, storage, sampler="tpe", budget="trials = 4", space=RANGE)
    workers = _workers(file, tmp_path)
    for worker in workers:
        result = worker.finish(timeout=300)
        assert result.code == 0, result.both
    runs = [run for n in range(2) for run in Catalog(tmp_path / f"w{n}.sqlite").list_runs()]
    assert len(runs) == 4 and len({run.trial_number for run in runs}) == 4
    worked = next(n for n in range(2) if Catalog(tmp_path / f"w{n}.sqlite").list_studies())
    finished = [t for t in _trials(storage, tmp_path / f"w{worked}.sqlite")
                if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(finished) == 4


def test_a_killed_workers_trial_is_failed_and_run_again(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker A is SIGKILLed inside a trial; B sees its heartbeat stop, fails the trial and
    runs its values again; the study still ends with every grid point completed once."""
    monkeypatch.setenv("MODELDESK_TRIAL_HEARTBEAT_S", "0.5")  # stale after 2 s of silence
    storage = str(tmp_path / "study.log")
    file = _file(tmp_path, storage, epochs=20)  # long enough to be killed inside a trial
    first = MainProcess("--batch", file, "--worker", "--catalog", tmp_path / "a.sqlite")
    try:
        first.wait_for_line("epoch  1/20", timeout=120)
    finally:
        first.kill()
    second = MainProcess("--batch", file, "--worker", "--catalog", tmp_path / "b.sqlite")
    result = second.finish(timeout=600)
    assert result.code == 0, result.both
    trials = sorted(_trials(storage, tmp_path / "b.sqlite"), key=lambda t: t.number)
    states = [t.state for t in trials]
    assert optuna.trial.TrialState.RUNNING not in states
    killed = trials[0]
    assert killed.state == optuna.trial.TrialState.FAIL
    again = [t for t in trials if t.params == killed.params
             and t.state == optuna.trial.TrialState.COMPLETE]
    assert len(again) == 1  # its values were run once more, by the survivor
    assert len([t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]) == 5


def test_worker_files_that_cannot_be_shared_are_refused(cli: CliRunner, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite"
    Catalog(catalog)
    before = catalog_state(catalog)
    local = _file(tmp_path / "local", "x").read_text().replace('storage = "x"\n', "")
    cases = {
        "no storage": (local, ("--worker needs the search to name the storage",)),
        "a password": (local.replace("[experiment.search]\n", "[experiment.search]\nstorage = "
                                     '"postgresql://me:secret@db.example/studies"\n'),
                       ("holds a password", "~/.pgpass")),
        "a relative journal": (local.replace("[experiment.search]\n", "[experiment.search]\n"
                                             'storage = "study.log"\n'),
                               ("must be an absolute path",)),
        "a plain run": (_file(tmp_path / "local", str(tmp_path / "s.log")).read_text()
                        + '\n[[experiment]]\nname = "one"\ndataset = "table.csv"\n'
                        'model = "bag_of_embeddings"\n', ("--worker runs shared searches only",)),
    }
    for name, (text, fragments) in cases.items():
        file = write_toml(tmp_path / "local" / f"{name}.toml", text)
        assert_one_error_line(cli("--batch", file, "--worker", "--catalog", catalog), fragments)
    assert catalog_state(catalog) == before


def test_an_unreachable_server_is_one_error_line_and_no_rows(cli: CliRunner,
                                                             tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite"
    Catalog(catalog)
    before = catalog_state(catalog)
    file = _file(tmp_path, "postgresql://nobody@127.0.0.1:9/none")
    result = cli("--batch", file, "--worker", "--catalog", catalog)
    assert_one_error_line(result, ("cannot open the search storage",
                                   "postgresql://nobody@127.0.0.1:9/none"))
    assert catalog_state(catalog) == before
