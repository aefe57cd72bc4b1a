"""Splits: stratified, reproducible, duplicate groups never straddle, fraction checks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from ds_files import write

from app.core.datasets import Split, load_dataset, split_dataset
from app.core.errors import ConfigError, DatasetError


@pytest.fixture
def table(tmp_path: Path):
    """60 'a' and 30 'b' texts, where a few texts repeat (some with conflicting labels)."""
    rows = [f"alpha text {i}\ta" for i in range(60)] + [f"beta text {i}\tb" for i in range(30)]
    rows += ["alpha text 1\ta", "alpha text 1\ta", "beta text 2\tb", "alpha text 3\tb"]
    return load_dataset(write(tmp_path / "t.tsv", "\n".join(rows) + "\n"))


def test_split_is_a_sorted_partition(table) -> None:
    split = split_dataset(table, 0.2, 0.1, seed=3)
    everything = split.train + split.val + split.test
    assert sorted(everything) == list(range(len(table)))
    for part in (split.train, split.val, split.test):
        assert list(part) == sorted(part)


def test_split_is_reproducible_and_seeded(table) -> None:
    assert split_dataset(table, 0.2, 0.1, seed=3) == split_dataset(table, 0.2, 0.1, seed=3)
    assert split_dataset(table, 0.2, 0.1, seed=3) != split_dataset(table, 0.2, 0.1, seed=4)


def test_split_is_stable_across_machines(table) -> None:
    # random.Random(seed).random() is guaranteed by Python; pin one split to catch changes.
    split = split_dataset(table, 0.2, 0.1, seed=0)
    assert (len(split.train), len(split.val), len(split.test)) == (66, 19, 9)
    assert split.test == (25, 35, 40, 46, 52, 56, 70, 71, 75)


def test_split_is_stratified_per_class(table) -> None:
    split = split_dataset(table, 0.2, 0.1, seed=1)
    labels = Counter(table.labels[i] for i in split.test)
    a, b = table.class_names.index("a"), table.class_names.index("b")
    assert abs(labels[a] - 6) <= 1 and abs(labels[b] - 3) <= 1


def test_duplicates_never_straddle(table) -> None:
    for seed in range(20):
        split = split_dataset(table, 0.3, 0.3, seed)
        where = {}
        for name, part in (("train", split.train), ("val", split.val), ("test", split.test)):
            for i in part:
                assert where.setdefault(table.content_hashes[i], name) == name


def test_every_class_keeps_a_training_sample(make_images) -> None:
    dataset = load_dataset(make_images({"a": 2, "b": 3, "c": 1, "d": 20}))
    for seed in range(10):
        split = split_dataset(dataset, 0.45, 0.45, seed)
        train_labels = {dataset.labels[i] for i in split.train}
        assert train_labels == set(range(4))


def test_zero_fractions_put_everything_in_train(table) -> None:
    split = split_dataset(table, 0.0, 0.0, seed=0)
    assert split == Split(tuple(range(len(table))), (), ())


@pytest.mark.parametrize(
    ("val", "test"), [(-0.1, 0.1), (1.0, 0.0), (0.0, 1.0), (0.5, 0.5), (0.7, 0.4),
                      (float("nan"), 0.1)],
)
def test_invalid_fractions(table, val: float, test: float) -> None:
    with pytest.raises(ConfigError, match="fraction"):
        split_dataset(table, val, test, seed=0)


def test_seed_must_be_an_integer(table) -> None:
    with pytest.raises(ConfigError, match="seed"):
        split_dataset(table, 0.1, 0.1, seed="0")  # type: ignore[arg-type]


def test_sms_test_messages_never_occur_in_train(shared_datasets: Path) -> None:
    dataset = load_dataset(shared_datasets / "sms-spam-collection" / "SMSSpamCollection")
    split = split_dataset(dataset, 0.1, 0.2, seed=0)
    train_texts = {dataset.texts[i] for i in split.train}
    assert not [dataset.texts[i] for i in split.test if dataset.texts[i] in train_texts]
    assert not [dataset.texts[i] for i in split.val if dataset.texts[i] in train_texts]
    assert abs(len(split.test) - round(0.2 * len(dataset))) <= 5


def _labels(tmp_path: Path, per_class: dict[str, int]):
    rows = [f"text {name} {i}\t{name}" for name, n in per_class.items() for i in range(n)]
    return load_dataset(write(tmp_path / "small.tsv", "\n".join(rows) + "\n"))


def test_classes_too_small_for_any_test_sample_are_refused_by_name(tmp_path: Path) -> None:
    dataset = _labels(tmp_path, {f"label{i:02d}": 1 for i in range(12)})

    with pytest.raises(DatasetError) as refused:
        split_dataset(dataset, 0.1, 0.2, seed=0)

    message = str(refused.value)
    for fragment in ("small.tsv", "val_fraction = 0.1 and test_fraction = 0.2",
                     "no validation and no test sample", "all 12 classes are too small",
                     "'label00' (1)", "… and 7 more", "a class needs at least 6",
                     "set val_fraction = 0 and test_fraction = 0"):
        assert fragment in message


def test_no_test_sample_alone_is_refused(tmp_path: Path) -> None:
    dataset = _labels(tmp_path, {"a": 5, "b": 5})  # round(5 * 0.1) == 0 test per class

    with pytest.raises(DatasetError, match=r"test_fraction = 0.1 leaves no test sample.*"
                                           r"needs at least 6"):
        split_dataset(dataset, 0.3, 0.1, seed=0)


def test_an_empty_validation_part_alone_is_allowed(tmp_path: Path) -> None:
    """Tiny datasets may go without validation: the engine then monitors the train loss."""
    split = split_dataset(_labels(tmp_path, {"a": 5, "b": 5, "c": 5}), 0.1, 0.2, seed=0)

    assert split.val == () and len(split.test) == 3


def test_without_a_test_part_an_empty_validation_part_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="val_fraction = 0.1 leaves no validation sample"):
        split_dataset(_labels(tmp_path, {"a": 3, "b": 3}), 0.1, 0.0, seed=0)


def test_zero_fractions_ask_for_nothing(tmp_path: Path) -> None:
    dataset = _labels(tmp_path, {"a": 1, "b": 1})

    assert split_dataset(dataset, 0.0, 0.0, seed=0).train == (0, 1)
