"""A grid's trials queued as separate jobs still make one study, kept up to date per trial.

The window queues a grid's trials one by one and each runs with its own ``Catalog``; nothing
coordinates them except the study's uid. So the first trial must create the study, later ones
must join it, and the study's status and best run must follow every trial that ends.
"""

from __future__ import annotations

from pathlib import Path

from app.core.catalog import Catalog, RunQuery, thaw
from app.core.engine import Callback, EpochEnd, RunControl
from app.core.experiments import read_experiments
from app.core.jobs import ResumeJob, TrainJob


class StopAfter(Callback):
    def __init__(self, epoch: int, control: RunControl) -> None:
        self.epoch, self.control = epoch, control

    def on_epoch_end(self, event: EpochEnd) -> None:
        if event.epoch == self.epoch:
            self.control.request_stop()


def _grid_jobs(tmp_path: Path, table: Path, lrs: tuple[float, float],
               epochs: int = 2) -> list[TrainJob]:
    """The jobs the window enqueues for an experiment file with a two-value grid."""
    experiments = tmp_path / "sweep.toml"
    experiments.write_text(f"""
[[experiment]]
name = "sweep"
dataset = "{table}"
model = "bag_of_embeddings"
epochs = {epochs}
batch_size = 8
threads = 1
device = "cpu"

[experiment.grid]
lr = [{lrs[0]}, {lrs[1]}]
""", encoding="utf-8")
    return [experiment.job for experiment in read_experiments(experiments)]


def test_two_queued_trials_make_one_study_completed_with_the_better_best(
        tmp_path: Path, table: Path, catalog_path: Path) -> None:
    jobs = _grid_jobs(tmp_path, table, (0.0001, 0.05))
    assert [job.label for job in jobs] == ["sweep [lr=0.0001]", "sweep [lr=0.05]"]
    assert [job.trial.number for job in jobs] == [0, 1]
    assert jobs[0].trial.study.uid == jobs[1].trial.study.uid

    first = jobs[0].run(Catalog(catalog_path))  # a fresh Catalog per job, as the worker does
    catalog = Catalog(catalog_path)
    (study,) = catalog.list_studies()
    assert (study.status, study.trials, study.best_run_id) == ("running", 1, first.run_id)
    assert study.finished_at is None

    second = jobs[1].run(Catalog(catalog_path))
    (study,) = catalog.list_studies()  # the second trial joined, it made no new study
    assert (study.name, study.kind, study.sampler, study.planned_trials) == (
        "sweep", "grid", "grid", 2)
    assert thaw(study.space) == {"lr": [0.0001, 0.05]}
    assert study.status == "completed" and study.finished_at is not None
    assert dict(study.trial_counts) == {"completed": 2}
    runs = catalog.list_runs(RunQuery(study_id=study.id), limit=None)
    assert sorted((r.trial_number, r.id, r.name) for r in runs) == [
        (0, first.run_id, "sweep [lr=0.0001]"), (1, second.run_id, "sweep [lr=0.05]")]
    assert {r.best_val_metric_name for r in runs} == {"val_loss"}
    better = min(runs, key=lambda r: r.best_val_metric)
    assert study.best_run_id == better.id == second.run_id  # lr 0.0001 barely moves in 2 epochs


def test_a_resumed_trial_refreshes_the_studys_best(tmp_path: Path, table: Path,
                                                   catalog_path: Path) -> None:
    jobs = _grid_jobs(tmp_path, table, (0.05, 0.0001), epochs=3)
    control = RunControl()
    cut = jobs[0].run(Catalog(catalog_path), callbacks=(StopAfter(1, control),),
                      control=control)
    slow = jobs[1].run(Catalog(catalog_path))
    assert (cut.status, slow.status) == ("stopped", "completed")
    (study,) = Catalog(catalog_path).list_studies()
    assert study.best_run_id == slow.run_id  # the only completed trial so far

    resumed = ResumeJob(cut.run_id).run(Catalog(catalog_path))

    catalog = Catalog(catalog_path)
    assert resumed.status == "completed"
    records = {r.id: r for r in catalog.list_runs(RunQuery(study_id=study.id), limit=None)}
    assert records[cut.run_id].best_val_metric < records[slow.run_id].best_val_metric
    assert catalog.get_study(study.id).best_run_id == cut.run_id
