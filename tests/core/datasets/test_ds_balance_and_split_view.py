"""Class imbalance warnings, the split per class, and ``--inspect``'s additions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ds_files import write
from factories import write_image_folder

from app.core.datasets import (
    IMBALANCE_RATIO,
    class_imbalance,
    format_skipped_summary,
    inspect_dataset,
    load_dataset,
    split_by_class,
    split_dataset,
)
from app.core.models import RunFolder, read_predictions


def _table(tmp_path: Path, counts: dict[str, int]) -> Path:
    lines = ["text\tlabel"]
    lines += [f"{label} message number {i}\t{label}" for label, count in counts.items()
              for i in range(count)]
    return write(tmp_path / "table.tsv", "\n".join(lines) + "\n")


def test_an_imbalanced_table_is_warned_about_everywhere(tmp_path: Path) -> None:
    report = load_dataset(_table(tmp_path, {"ham": 130, "spam": 20})).report
    imbalance = report.imbalance

    assert imbalance is not None and (imbalance.largest, imbalance.smallest) == ("ham", "spam")
    message = imbalance.message()
    assert message.startswith("imbalanced: ham 130 vs spam 20 (6.5 : 1, warned from 3 : 1)")
    assert "more spam samples" in message and "87% accuracy" in message
    assert f"Warning: {message}" in report.format_text()
    data = json.loads(json.dumps(report.to_dict()))["imbalance"]
    assert (data["ratio"], data["threshold"], data["message"]) == (6.5, IMBALANCE_RATIO, message)
    assert data["balancing_key"] is None  # the training config has no class weighting yet


def test_the_threshold_is_where_warnings_start() -> None:
    assert class_imbalance({"a": 30, "b": 10}) is not None  # exactly 3 : 1
    assert class_imbalance({"a": 29, "b": 10}) is None
    assert class_imbalance({"a": 29, "b": 10}, threshold=2.0) is not None
    many = class_imbalance({"x": 50, "y": 400, "z": 100})
    assert many is not None and (many.largest, many.smallest, many.ratio) == ("y", "x", 8.0)


def test_a_balanced_table_has_no_warning(tmp_path: Path) -> None:
    report = load_dataset(_table(tmp_path, {"ham": 20, "spam": 10})).report
    assert report.imbalance is None and report.to_dict()["imbalance"] is None
    assert "Warning" not in report.format_text()


def test_split_per_class_adds_up_to_the_split(tmp_path: Path) -> None:
    dataset = load_dataset(_table(tmp_path, {"ham": 130, "spam": 20}))
    split = split_dataset(dataset, 0.1, 0.2, 3)
    table = split_by_class(dataset, split)

    assert [row.name for row in table] == ["ham", "spam"]
    assert [row.total for row in table] == [130, 20]
    assert sum(row.test for row in table) == len(split.test)
    assert sum(row.val for row in table) == len(split.val)
    assert (table[1].train, table[1].val, table[1].test) == (14, 2, 4)


def test_the_table_is_the_split_a_training_run_uses(tmp_path: Path) -> None:
    """A real tiny run: its stored test samples are the test column, class by class."""
    from app.core.catalog import Catalog
    from app.core.runs import execute, make_config, plan_run

    root = write_image_folder(tmp_path / "colours", per_class=20)
    catalog = Catalog(tmp_path / "catalog.sqlite")
    values = {"dataset": str(root), "model": "mlp", "epochs": 1, "batch_size": 16,
              "threads": 1, "device": "cpu", "image_size": 16, "seed": 11,
              "val_fraction": 0.15, "test_fraction": 0.35}
    outcome = execute(plan_run(make_config(values, where="test")), catalog)
    assert outcome.status == "completed", outcome.message
    stored = read_predictions(RunFolder(catalog.run_dir(outcome.run_id)).predictions)
    assert stored is not None

    dataset = load_dataset(root)
    split = split_dataset(dataset, 0.15, 0.35, 11)
    tested = {name: 0 for name in dataset.class_names}
    for index in stored.indices.tolist():
        tested[dataset.class_names[dataset.labels[index]]] += 1
    assert sorted(stored.indices.tolist()) == list(split.test)
    assert {row.name: row.test for row in split_by_class(dataset, split)} == tested
    inspection = inspect_dataset(dataset, 0.15, 0.35, 11)
    assert inspection.to_dict()["split"]["classes"] == {
        row.name: {"train": row.train, "val": row.val, "test": row.test}
        for row in split_by_class(dataset, split)}


def test_inspection_text_and_json(tmp_path: Path) -> None:
    lines = ["text\tlabel", "Free entry!!\tspam", "free entry\tspam"]
    lines += [f"ham message {i}\tham" for i in range(40)] + ["win now\tspam"] * 1
    lines += [f"spam offer {i}\tspam" for i in range(8)]
    dataset = load_dataset(write(tmp_path / "sms.tsv", "\n".join(lines) + "\n"))
    inspection = inspect_dataset(dataset)  # the run defaults: 0.1, 0.2, seed 0

    text = inspection.format_text()
    assert "Split per class (val_fraction 0.1, test_fraction 0.2, seed 0):" in text
    assert "Near duplicates: 1 groups (2 samples)" in text
    assert "line 2 [spam, " in text and "line 3 [spam, " in text
    data = json.loads(json.dumps(inspection.to_dict()))
    assert data["near_duplicates"][0]["sources"] == ["line 2", "line 3"]
    assert len(data["near_duplicates"][0]["splits"]) == 2
    assert set(data["split"]["classes"]) == {"ham", "spam"}
    assert data["imbalance"]["largest"] == "ham"


def test_an_unsplittable_dataset_says_why_in_the_inspection(tmp_path: Path) -> None:
    dataset = load_dataset(_table(tmp_path, {"a": 1, "b": 1}))
    inspection = inspect_dataset(dataset, 0.1, 0.2, 0)
    assert inspection.split_problem and "cannot split:" in inspection.format_text()
    assert inspection.to_dict()["split"]["classes"] == {}


def test_a_long_skip_reason_is_never_cut(make_images, tmp_path: Path) -> None:
    """A broken link's reason names its whole (long) target, the part that says what to fix."""
    root = make_images({"a": 3, "b": 3})
    target = tmp_path / ("a_folder_with_a_rather_long_name_" * 6) / "moved_photo.png"
    (root / "a" / "link.png").symlink_to(target)
    report = load_dataset(root).report
    (skipped,) = report.skipped
    assert len(skipped.reason) > 200 and skipped.reason.endswith("does not exist)")
    assert f"a/link.png: {skipped.reason}" in format_skipped_summary(report)
    assert f"a/link.png: {skipped.reason}" in report.format_text()


@pytest.mark.parametrize("name", ["sms-spam-collection/SMSSpamCollection"])
def test_sms_spam_is_called_imbalanced(shared_datasets: Path, name: str) -> None:
    report = load_dataset(shared_datasets / name).report
    assert report.imbalance is not None
    assert report.imbalance.message().startswith("imbalanced: ham 4,827 vs spam 747 (6.5 : 1")
