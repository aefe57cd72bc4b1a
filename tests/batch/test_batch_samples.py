"""End to end: the README's quick start on the bundled samples, in a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from cli_helpers import MAIN, REPO

from app.core.catalog import Catalog
from app.core.catalog._files import file_digest
from app.core.experiments import read_experiments

SAMPLES = REPO / "resources" / "samples"
EXPERIMENTS = SAMPLES / "experiments.toml"
FLOOR = 0.6  # both samples have 4 classes: chance is 0.25
SUMMARY_KEYS = {"run_id", "name", "status", "model", "dataset_fingerprint", "best_val_metric",
                "test_accuracy", "test_macro_f1", "wall_seconds"}


@pytest.mark.slow
def test_bundled_samples_train_and_are_recorded(tmp_path: Path) -> None:
    assert (SAMPLES / "shapes").is_dir() and (SAMPLES / "topics.csv").is_file(), \
        "bundled samples missing: run resources/samples/make_samples.py"
    catalog_path, summary = tmp_path / "catalog.sqlite", tmp_path / "s.json"
    # One torch thread: on a busy 2-core box OpenMP's spinning threads make training many
    # times slower. The experiment file itself is used unchanged.
    env = {**os.environ, "OMP_NUM_THREADS": "1"}

    done = subprocess.run(
        [sys.executable, str(MAIN), "--batch", str(EXPERIMENTS.relative_to(REPO)),
         "--catalog", str(catalog_path), "--summary-json", str(summary)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    records = json.loads(summary.read_text(encoding="utf-8"))["runs"]
    # the file is the samples' own and may grow: expect one run per (grid-expanded) experiment
    expected = {e.config.name: e.config for e in read_experiments(EXPERIMENTS)}
    assert [r["name"] for r in records] == list(expected)
    assert {"shapes-cnn", "topics-textcnn", "topics-bag [lr=0.01]"} <= set(expected)
    catalog = Catalog(catalog_path)
    assert catalog.count_runs() == len(expected)
    torch_version = metadata.version("torch")
    for record in records:
        config = expected[record["name"]]
        model, epochs = config.model.architecture, config.training.epochs
        assert set(record) >= SUMMARY_KEYS
        assert (record["status"], record["model"]) == ("completed", model)
        assert record["test_accuracy"] >= FLOOR, record
        assert 0 < record["test_macro_f1"] <= 1 and record["wall_seconds"] > 0
        detail = catalog.get_run(record["run_id"])
        run = detail.run
        assert (run.name, run.status, run.model) == (record["name"], "completed", model)
        assert run.epochs_done == run.total_epochs == epochs
        assert run.test_accuracy == pytest.approx(record["test_accuracy"])
        assert run.best_val_metric == pytest.approx(record["best_val_metric"])
        assert detail.dataset is not None
        assert detail.dataset.fingerprint == record["dataset_fingerprint"]
        assert len(detail.dataset.class_names) == 4
        for key in ("train_loss", "val_loss", "val_accuracy"):
            assert [p.step for p in detail.history[key]] == list(range(1, epochs + 1)), key
        artifacts = {a.kind: a for a in detail.artifacts}
        assert set(artifacts) == {"checkpoint", "weights", "bundle", "predictions"}
        for artifact in artifacts.values():
            assert artifact.path.is_file()
            assert file_digest(artifact.path) == (artifact.size_bytes, artifact.sha256)
        assert run.environment["libraries"]["torch"] == torch_version
    by_name = {r["name"]: r for r in records}
    topics = {r["dataset_fingerprint"] for r in records if r["name"].startswith("topics")}
    assert len(topics) == 1  # one table, one fingerprint
    assert topics != {by_name["shapes-cnn"]["dataset_fingerprint"]}
    paths = {config.data.dataset for config in expected.values()}
    assert len(catalog.list_datasets()) == len(paths)  # each dataset registered once
