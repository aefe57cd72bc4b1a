"""Exit code 1: a run that diverges is recorded as such and the batch goes on.

SGD at lr 10 on the tiny colour folder explodes within the first epoch (a training loss of
3.6e25 at step 4, where chance is ln 2): the divergence watcher ends the run there, before an
epoch of garbage is validated, let alone reported as completed.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest
from cli_helpers import CliResult, write_toml
from factories import write_image_folder, write_text_table

from app.batch import run_batch
from app.core.catalog import Catalog

DIVERGING_THEN_FINE = """
[[experiment]]
name = "too-hot"
dataset = "img"
model = "mlp"
epochs = 3
batch_size = 8
optimizer = "sgd"
lr = 10.0

[[experiment]]
name = "after"
dataset = "table.csv"
model = "bag_of_embeddings"
epochs = 1
batch_size = 8
"""


@pytest.fixture(scope="module")
def diverged_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliResult, Path, Path]:
    """One batch shared by this module's tests (they only read what it left)."""
    tmp_path = tmp_path_factory.mktemp("diverged")
    write_image_folder(tmp_path / "img", per_class=12)
    write_text_table(tmp_path / "table.csv", rows_per_class=5)
    experiments = write_toml(tmp_path / "e.toml", DIVERGING_THEN_FINE)
    catalog, summary = tmp_path / "catalog.sqlite", tmp_path / "summary.json"
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MODELDESK_LOG_DIR", str(tmp_path / "logs"))
        code = run_batch(experiments, catalog, summary_json=summary, out=out, err=err)
    return CliResult(code, out.getvalue(), err.getvalue()), catalog, summary


def test_diverged_run_gives_exit_1_and_the_next_experiment_still_runs(
        diverged_batch: tuple[CliResult, Path, Path]) -> None:
    result, catalog_path, summary = diverged_batch
    catalog = Catalog(catalog_path)

    assert result.code == 1
    assert "Traceback" not in result.both
    hot, after = catalog.get_run_record(1), catalog.get_run_record(2)
    assert (hot.name, hot.status) == ("too-hot", "diverged")
    assert "learning rate" in hot.message and "(now 10)" in hot.message
    assert hot.test_accuracy is None and hot.finished_at is not None
    assert (after.name, after.status, after.epochs_done) == ("after", "completed", 1)
    assert after.test_accuracy is not None
    assert "diverged" in result.out and "learning rate" in result.out
    records = {r["name"]: r for r in json.loads(summary.read_text())["runs"]}
    assert records["too-hot"]["status"] == "diverged"
    assert "learning rate" in records["too-hot"]["message"]
    assert records["after"]["status"] == "completed"


def test_diverged_run_keeps_its_partial_history(
        diverged_batch: tuple[CliResult, Path, Path]) -> None:
    _, catalog_path, _ = diverged_batch
    detail = Catalog(catalog_path).get_run(1)

    assert detail.run.epochs_done == 0  # epoch 1 never finished
    assert "exploded" in detail.run.message
    steps = detail.history["train_loss_step"]  # the steps up to the explosion are kept
    assert steps and steps[-1].value > 1e3
    assert "train_loss" not in detail.history and detail.run.total_epochs == 3


def test_summary_json_is_strict_json_even_for_a_diverged_run(
        diverged_batch: tuple[CliResult, Path, Path]) -> None:
    _, _, summary = diverged_batch

    def reject(token: str) -> None:
        raise ValueError(f"{token} is not JSON")

    records = json.loads(summary.read_text(), parse_constant=reject)["runs"]
    assert len(records) == 2


def test_the_summary_carries_the_ranking_and_calibration_scores(
        diverged_batch: tuple[CliResult, Path, Path]) -> None:
    _, catalog_path, summary = diverged_batch
    records = {r["name"]: r for r in json.loads(summary.read_text())["runs"]}
    stored = Catalog(catalog_path).get_run_record(2).test_metrics

    assert records["after"]["test_roc_auc_macro"] == stored["roc_auc_macro"]
    assert records["after"]["test_ece"] == stored["ece"] and 0.0 <= stored["ece"] <= 1.0
    assert records["too-hot"]["test_ece"] is records["too-hot"]["test_roc_auc_macro"] is None


def test_a_nan_validation_loss_is_never_the_best_epoch() -> None:
    """Nothing could beat a NaN afterwards, so it never becomes the best epoch."""
    from app.core.engine import BestTracker

    best = BestTracker("val_loss")
    assert not best.update(1, math.nan) and best.epoch == 0 and best.value is None
    assert best.update(2, 0.5) and best.epoch == 2
    assert not best.update(3, math.inf) and best.epoch == 2
