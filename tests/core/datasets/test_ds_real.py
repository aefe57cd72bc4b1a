"""The team's real offline datasets (../shared/datasets), with their known quirks."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.core.datasets import load_dataset, prepare_data, split_dataset


def test_sms_spam_collection(shared_datasets: Path) -> None:
    dataset = load_dataset(shared_datasets / "sms-spam-collection" / "SMSSpamCollection")
    report = dataset.report
    assert (report.found, report.kept, report.skipped) == (5574, 5574, ())
    assert report.class_counts == {"ham": 4827, "spam": 747}
    assert dataset.options.label_column == 0 and dataset.options.text_column == 1
    assert dataset.options.delimiter == "\t" and dataset.options.has_header is False
    assert sum(1 for t in dataset.texts if '"' in t) == 145
    # 403 lines repeat a raw message; texts are stripped before hashing (what the model
    # sees), which merges 11 more that differ only in leading/trailing spaces.
    repeated = sum(len(group.sources) - 1 for group in report.duplicates)
    assert repeated == 414


@pytest.mark.parametrize("name", ["imdb", "amazon_cells", "yelp"])
def test_sentiment_sentences(shared_datasets: Path, name: str) -> None:
    path = shared_datasets / "sentiment-labelled-sentences" / f"{name}_labelled.txt"
    dataset = load_dataset(path)
    assert dataset.report.found == dataset.report.kept == 1000
    assert dataset.report.class_counts == {"0": 500, "1": 500}
    assert dataset.options.text_column == 0 and dataset.options.label_column == 1


def test_imdb_keeps_nel_characters_inside_sentences(shared_datasets: Path) -> None:
    dataset = load_dataset(shared_datasets / "sentiment-labelled-sentences" / "imdb_labelled.txt")
    assert sum(t.count("\u0085") for t in dataset.texts) == 2
    assert not any(t != t.strip() for t in dataset.texts)


def test_hymenoptera(shared_datasets: Path) -> None:
    dataset = load_dataset(shared_datasets / "hymenoptera-val-subset")
    assert dataset.kind == "image"
    assert dataset.report.class_counts == {"ants": 15, "bees": 15}
    assert dataset.report.found == dataset.report.kept == 30
    split = split_dataset(dataset, 0.2, 0.2, seed=0)
    data = prepare_data(dataset, split, image_size=32)
    assert data.in_channels == 3
    assert data.train.inputs.shape == (len(split.train), 3, 32, 32)


def test_mnist_digits_as_png_folders_are_grayscale(shared_datasets: Path, tmp_path: Path) -> None:
    folder = shared_datasets / "mnist-t10k"
    with gzip.open(folder / "t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(16 + 40 * 784)[16:], dtype=np.uint8).reshape(40, 28, 28)
    with gzip.open(folder / "t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(8 + 40)[8:], dtype=np.uint8)
    for i, (pixels, label) in enumerate(zip(images, labels, strict=True)):
        (tmp_path / str(label)).mkdir(exist_ok=True)
        Image.fromarray(pixels, mode="L").save(tmp_path / str(label) / f"{i}.png")
    dataset = load_dataset(tmp_path)
    assert len(dataset.class_names) == len(set(labels.tolist())) and len(dataset) == 40
    data = prepare_data(dataset, split_dataset(dataset, 0.0, 0.0, seed=0), image_size=28)
    assert data.in_channels == 1
    first = dataset.sample_ids.index("7/0.png")
    assert np.array_equal(data.train.inputs[first, 0].numpy(), images[0])
