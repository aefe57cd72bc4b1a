"""test_results: a run's test predictions joined with its dataset, sample by sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from factories import write_text_table

from app.core.analysis import SampleResult, TestResults, test_results
from app.core.catalog import Catalog
from app.core.datasets import load_dataset, split_dataset
from app.core.errors import CatalogError
from tests.core.analysis.analysis_runs import Runs
from tests.core.inference.inference_runs import TEXT_CLASSES, train


def _split_size(runs: Runs, run_id: int) -> int:
    config = runs.catalog.get_run_record(run_id).config
    dataset = load_dataset(config["dataset"])
    split = split_dataset(dataset, config["val_fraction"], config["test_fraction"],
                          config["seed"])
    return len(split.test)


@pytest.mark.parametrize("which", ["good", "weak"])
def test_text_results_cover_the_test_split_and_agree_with_the_confusion_matrix(
    runs: Runs, which: str
):
    run_id = getattr(runs, which)
    results = test_results(runs.catalog, run_id)
    recorded = runs.catalog.get_run_record(run_id).test_metrics

    assert isinstance(results, TestResults)
    assert results.run_id == run_id
    assert results.class_names == TEXT_CLASSES
    assert results.dataset_available and results.note == ""
    assert len(results.samples) == _split_size(runs, run_id) == recorded["samples"]
    assert results.confusion_matrix() == recorded["confusion_matrix"]  # both frozen tuples
    assert results.accuracy == pytest.approx(recorded["accuracy"])
    for true_index, true_label in enumerate(TEXT_CLASSES):
        for guess_index, guess in enumerate(TEXT_CLASSES):
            cell = results.cell(true_label, guess)
            assert len(cell) == recorded["confusion_matrix"][true_index][guess_index]
            assert all(s.true_label == true_label and s.predicted_label == guess for s in cell)


def test_samples_carry_the_dataset_text_and_line(runs: Runs):
    dataset = load_dataset(runs.table)
    for sample in test_results(runs.catalog, runs.good).samples:
        assert sample.sample_id == dataset.sample_ids[sample.index]
        assert sample.sample_id.startswith("line ")
        assert sample.text == dataset.texts[sample.index]
        assert sample.true_label == dataset.class_names[dataset.labels[sample.index]]
        assert sample.image_path is None
        assert 0.0 < sample.confidence <= 1.0
        assert sample.correct == (sample.true_label == sample.predicted_label)


def test_image_samples_carry_their_file(runs: Runs):
    results = test_results(runs.catalog, runs.image)
    assert len(results.samples) == _split_size(runs, runs.image)
    for sample in results.samples:
        assert sample.image_path is not None and sample.image_path.is_file()
        assert sample.image_path.relative_to(runs.images).as_posix() == sample.sample_id
        assert sample.image_path.parent.name == sample.true_label
        assert sample.text is None


def test_misclassified_and_cells_filter_and_sort_by_confidence(runs: Runs):
    results = test_results(runs.catalog, runs.weak)
    wrong = results.misclassified()
    assert wrong == tuple(sorted((s for s in results.samples if not s.correct),
                                 key=lambda s: (-s.confidence, s.index)))
    for label in TEXT_CLASSES:
        of_label = results.misclassified(true_label=label)
        assert of_label == tuple(s for s in wrong if s.true_label == label)
        as_label = results.misclassified(predicted_label=label)
        assert as_label == tuple(s for s in wrong if s.predicted_label == label)
        diagonal = results.cell(label, label)
        assert all(s.correct for s in diagonal)
        confidences = [s.confidence for s in diagonal]
        assert confidences == sorted(confidences, reverse=True)
    assert results.misclassified("cooking", "cooking") == ()


def test_records_are_frozen(runs: Runs):
    sample = test_results(runs.catalog, runs.good).samples[0]
    assert isinstance(sample, SampleResult)
    with pytest.raises(AttributeError):
        sample.correct = False  # type: ignore[misc]


def test_a_run_without_predictions_is_a_catalog_error(runs: Runs):
    with pytest.raises(CatalogError, match=(f"run {runs.unfinished} has no test predictions "
                                            r"\(it did not complete\)")):
        test_results(runs.catalog, runs.unfinished)


def test_a_changed_or_missing_dataset_still_gives_results_without_samples(tmp_path: Path):
    table = write_text_table(tmp_path / "mine.csv", rows_per_class=10, classes=TEXT_CLASSES)
    catalog = Catalog(tmp_path / "catalog.sqlite")
    run_id = train(catalog, table, "bag_of_embeddings", epochs=1, lr=0.05)
    before = test_results(catalog, run_id)
    assert before.dataset_available

    with table.open("a", encoding="utf-8") as handle:
        handle.write("an extra line about the rain,weather\n")
    changed = test_results(catalog, run_id)
    assert not changed.dataset_available
    assert "changed" in changed.note
    assert len(changed.samples) == len(before.samples)
    assert [(s.index, s.true_label, s.predicted_label) for s in changed.samples] == [
        (s.index, s.true_label, s.predicted_label) for s in before.samples
    ]
    assert all(s.text is None and s.image_path is None for s in changed.samples)
    assert changed.samples[0].sample_id == f"sample {changed.samples[0].index}"

    shutil.move(table, tmp_path / "moved.csv")
    gone = test_results(catalog, run_id)
    assert not gone.dataset_available
    assert "cannot be loaded" in gone.note and "does not exist" in gone.note
    assert len(gone.samples) == len(before.samples)
