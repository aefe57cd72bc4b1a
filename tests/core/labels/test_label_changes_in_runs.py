"""A run carries its label changes: applied before splitting (the counts change), stored in
its config (its provenance), replayed by Reproduce on the same data, and refused with the
sample's id when the dataset no longer has it. The user's file is never touched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from factories import write_text_table

from app.core.analysis import test_results
from app.core.catalog import Catalog
from app.core.datasets import load_dataset
from app.core.engine import Callback, RunStarted
from app.core.errors import ConfigError
from app.core.runs import execute, make_config, plan_reproduction, plan_run


class _Started(Callback):
    def __init__(self) -> None:
        self.event: RunStarted | None = None

    def on_run_start(self, event: RunStarted) -> None:
        self.event = event


def _values(table: Path, **more: Any) -> dict[str, Any]:
    return {"dataset": str(table), "model": "bag_of_embeddings", "epochs": 1,
            "batch_size": 8, "threads": 1, "device": "cpu", **more}


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return write_text_table(tmp_path / "topics.csv", rows_per_class=10)


def test_a_run_trained_with_label_changes_uses_and_records_them(
        table: Path, tmp_path: Path) -> None:
    before = table.read_bytes()
    dataset = load_dataset(table)
    first, second, third = dataset.sample_ids[:3]
    names = [dataset.class_names[label] for label in dataset.labels[:3]]
    relabel_to = next(c for c in dataset.class_names if c != names[2])
    changes = {first: False, second: False, third: relabel_to}
    catalog = Catalog(tmp_path / "catalog.sqlite")
    started = _Started()

    outcome = execute(plan_run(make_config(_values(table, label_changes=changes))), catalog,
                      callbacks=(started,))

    assert outcome.status == "completed", outcome.message
    event = started.event
    assert event.train_samples + event.val_samples + event.test_samples == len(dataset) - 2
    run = catalog.get_run(outcome.run_id)
    assert dict(run.run.config)["label_changes"] == changes
    assert run.dataset.num_samples == len(dataset) - 2
    counts = dataset.class_counts()
    for name in names:
        counts[name] -= 1
    counts[relabel_to] += 1
    assert dict(run.dataset.class_counts) == counts
    assert run.dataset.fingerprint != dataset.fingerprint  # what trained, not the file
    assert table.read_bytes() == before

    reproduction = plan_reproduction(catalog, str(outcome.run_id))
    assert not reproduction.dataset_changed
    assert len(reproduction.planned.dataset) == len(dataset) - 2
    results = test_results(catalog, outcome.run_id)
    assert results.dataset_available, results.note  # the samples line up with the changes


def test_a_run_without_changes_keeps_the_files_fingerprint(table: Path) -> None:
    planned = plan_run(make_config(_values(table)))
    assert planned.dataset.fingerprint == load_dataset(table).fingerprint
    assert planned.config.data.label_changes == {}


def test_a_change_for_a_sample_that_is_gone_names_it(table: Path) -> None:
    config = make_config(_values(table, label_changes={"line 999": False}))
    with pytest.raises(ConfigError, match="sample 'line 999' is not in") as caught:
        plan_run(config, where="experiment 'a'")
    assert "experiment 'a'" in str(caught.value) and caught.value.fields == ("label_changes",)


def test_a_new_label_that_is_no_class_names_the_sample_and_the_classes(table: Path) -> None:
    config = make_config(_values(table, label_changes={"line 2": "tennis"}))
    with pytest.raises(ConfigError, match="sample 'line 2' is given the label 'tennis'.*"
                                          "cooking, sports, weather"):
        plan_run(config)
