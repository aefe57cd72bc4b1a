"""Near duplicates: the same picture re-encoded or rescaled, the same text re-punctuated."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest
from ds_files import write
from ds_photos import photo, rescaled, save
from PIL import Image

from app.core.datasets import Split, load_dataset, near_duplicates, near_leaks, normalise_text


@pytest.fixture
def pictures(tmp_path: Path) -> Path:
    """12 distinct smooth pictures, one picture in four forms across both classes, and an
    exact copy of a distinct picture."""
    root = tmp_path / "pics"
    for seed in range(12):
        save(photo(seed), root / ("a" if seed < 6 else "b") / f"{seed:02d}.png")
    original = photo(100, size=128)
    save(original, root / "a" / "orig.png")
    save(original, root / "a" / "orig_q80.jpg", quality=80)
    save(rescaled(original, 0.5), root / "b" / "orig_half.png")
    save(rescaled(original, 1.5), root / "b" / "orig_big_q80.jpg", quality=80)
    shutil.copyfile(root / "a" / "00.png", root / "b" / "copy_of_00.png")
    return root


def test_reencoded_and_rescaled_copies_are_one_group(pictures: Path) -> None:
    dataset = load_dataset(pictures)
    groups = near_duplicates(dataset)

    assert [set(group.sources) for group in groups] == [
        {"a/orig.png", "a/orig_q80.jpg", "b/orig_half.png", "b/orig_big_q80.jpg"}]
    group = groups[0]
    assert [dataset.sample_ids[i] for i in group.indices] == list(group.sources)
    assert group.conflicting and set(group.labels) == {"a", "b"}


def test_an_exact_pair_is_reported_once_as_exact(pictures: Path) -> None:
    dataset = load_dataset(pictures)
    exact = [set(group.sources) for group in dataset.report.duplicates]
    near = [set(group.sources) for group in near_duplicates(dataset)]

    assert exact == [{"a/00.png", "b/copy_of_00.png"}]
    assert not any({"a/00.png", "b/copy_of_00.png"} <= group for group in near)


def test_an_exact_copy_of_a_near_duplicate_joins_its_group(pictures: Path) -> None:
    shutil.copyfile(pictures / "a" / "orig.png", pictures / "a" / "orig_again.png")
    groups = near_duplicates(load_dataset(pictures))

    assert len(groups) == 1 and "a/orig_again.png" in groups[0].sources
    assert len(groups[0].sources) == 5


def test_similar_but_different_pictures_stay_apart(tmp_path: Path) -> None:
    """A picture and the same one with a small disc painted in are different pictures."""
    base = photo(7, size=128)
    changed = base.copy()
    pixels = np.asarray(changed).copy()
    pixels[40:56, 40:56] = (250, 20, 20)
    save(base, tmp_path / "d" / "x" / "base.png")
    save(Image.fromarray(pixels), tmp_path / "d" / "y" / "changed.png")
    save(photo(8), tmp_path / "d" / "y" / "other.png")

    assert near_duplicates(load_dataset(tmp_path / "d")) == ()


def test_leaks_name_the_part_of_each_member(pictures: Path) -> None:
    dataset = load_dataset(pictures)
    group = near_duplicates(dataset)[0]
    first, *rest = group.indices
    others = [i for i in range(len(dataset)) if i not in group.indices]
    split = Split(train=tuple(sorted([first, *others])), val=(), test=tuple(rest))

    (leak,) = near_leaks((group,), split)

    assert leak.parts == ("train", "test", "test", "test")
    assert leak.leaking and leak.verdict == "leaks into test"
    held = Split(train=tuple(others), val=(first,), test=tuple(rest))
    assert near_leaks((group,), held)[0].verdict == "spans val and test"
    inside = Split(train=tuple(sorted(others + list(group.indices))), val=(), test=())
    assert not near_leaks((group,), inside)[0].leaking


def test_texts_match_after_case_space_and_punctuation(tmp_path: Path) -> None:
    lines = ["text\tlabel", "Free entry!!\tspam", "free  entry\tspam", "FREE ENTRY.\tham",
             "hello there\tham", "hello there\tham",  # exact only: not a near group
             "call me\tham", "call me\tham", "Call me?\tham",
             "!!!\tham", "???\tham",  # nothing left once normalised: not grouped
             "see you soon\tham", "win a prize now\tspam"]
    dataset = load_dataset(write(tmp_path / "sms.tsv", "\n".join(lines) + "\n"))
    groups = near_duplicates(dataset)

    assert [group.sources for group in groups] == [
        ("line 2", "line 3", "line 4"), ("line 7", "line 8", "line 9")]
    assert groups[0].conflicting and not groups[1].conflicting
    assert normalise_text("  Free\tentry!! ") == normalise_text("free entry") == "free entry"
    assert [set(group.sources) for group in dataset.report.duplicates] == [
        {"line 5", "line 6"}, {"line 7", "line 8"}]


def test_shared_photos_rescaled_and_reencoded_are_found(shared_datasets: Path,
                                                        tmp_path: Path) -> None:
    """Real photos: every one distinct, plus three of them re-saved as JPEG and halved."""
    photos = sorted((shared_datasets / "hymenoptera-val-subset").rglob("*.jpg"))
    root = tmp_path / "bugs"
    for path in photos:
        (root / path.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, root / path.parent.name / path.name)
    for path in photos[:3]:
        with Image.open(path) as image:
            save(rescaled(image.convert("RGB"), 0.5), root / "copies" / f"{path.stem}.png")
            save(image.convert("RGB"), root / "copies" / f"{path.stem}_q80.jpg", quality=80)

    groups = near_duplicates(load_dataset(root))

    assert sorted(len(group.sources) for group in groups) == [3, 3, 3]
    for group in groups:
        stems = {Path(source).stem.removesuffix("_q80") for source in group.sources}
        assert len(stems) == 1


def test_mnist_digits_are_not_grouped(shared_datasets: Path, tmp_path: Path) -> None:
    """10,000 handwritten digits, many of them look alike: none is a near duplicate."""
    source = shared_datasets / "mnist-t10k"
    with gzip.open(source / "t10k-images-idx3-ubyte.gz") as file:
        images = np.frombuffer(file.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(source / "t10k-labels-idx1-ubyte.gz") as file:
        labels = np.frombuffer(file.read(), np.uint8, offset=8)
    root = tmp_path / "mnist"
    for number, (pixels, label) in enumerate(zip(images, labels, strict=True)):
        folder = root / str(label)
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels).save(folder / f"{number:05d}.png")
    dataset = load_dataset(root)

    assert len(dataset) == 10_000
    assert near_duplicates(dataset) == ()


def test_renamed_files_get_their_new_names(pictures: Path) -> None:
    assert "a/orig.png" in near_duplicates(load_dataset(pictures))[0].sources
    (pictures / "a" / "orig.png").rename(pictures / "a" / "orig0.png")  # same place in order

    (group,) = near_duplicates(load_dataset(pictures))

    assert "a/orig0.png" in group.sources and "a/orig.png" not in group.sources
