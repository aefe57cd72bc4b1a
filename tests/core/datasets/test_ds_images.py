"""Image folders: formats, modes, corrupt and truncated files, skips and duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from ds_files import noisy_bytes, write

from app.core.datasets import load_dataset
from app.core.errors import DatasetError


def _reasons(dataset) -> dict[str, str]:
    return {s.source: s.reason for s in dataset.report.skipped}


def test_image_folder_keeps_every_readable_format(image_folder: Path) -> None:
    dataset = load_dataset(image_folder)
    assert dataset.kind == "image"
    assert dataset.class_names == ("cats", "dogs")
    assert set(dataset.sample_ids) == {
        "cats/rgb.png", "cats/gray.jpg", "cats/rgba.png", "cats/anim.gif", "cats/photo.webp",
        "cats/UPPER.PNG", "cats/same.png", "dogs/a.png", "dogs/b.bmp", "dogs/sub/c.jpeg",
        "dogs/same_as_cat.png",
    }
    assert dataset.texts is None
    assert dataset.files is not None and all(f.is_file() for f in dataset.files)
    assert dataset.report.class_counts == {"cats": 7, "dogs": 4}


def test_bad_files_are_skipped_with_reasons(image_folder: Path) -> None:
    reasons = _reasons(load_dataset(image_folder))
    assert set(reasons) == {
        "cats/corrupt.png", "cats/truncated.jpg", "cats/notes.txt", "readme.md",
    }
    assert "cannot decode" in reasons["cats/corrupt.png"]
    assert "cannot decode" in reasons["cats/truncated.jpg"]
    assert "truncated" in reasons["cats/truncated.jpg"]
    assert "not an image" in reasons["cats/notes.txt"]
    assert reasons["readme.md"] == "not inside a class folder"


def test_hidden_files_and_folders_are_ignored(image_folder: Path) -> None:
    dataset = load_dataset(image_folder)
    everything = set(dataset.sample_ids) | set(_reasons(dataset))
    assert not any(part.startswith(".") for s in everything for part in s.split("/"))
    assert ".cache" not in dataset.class_names


def test_kept_plus_skipped_equals_found(image_folder: Path) -> None:
    report = load_dataset(image_folder).report
    assert report.found == 15  # 14 files in class folders + 1 loose file, hidden excluded
    assert report.kept == 11
    assert report.kept + len(report.skipped) == report.found


def test_duplicate_across_classes_is_kept_and_flagged(image_folder: Path) -> None:
    dataset = load_dataset(image_folder)
    (group,) = dataset.report.duplicates
    assert set(group.sources) == {"cats/same.png", "dogs/same_as_cat.png"}
    assert set(group.labels) == {"cats", "dogs"}
    assert group.conflicting
    assert "cats/same.png" in dataset.sample_ids and "dogs/same_as_cat.png" in dataset.sample_ids


def test_content_hash_is_sha256_of_file_bytes(image_folder: Path) -> None:
    import hashlib

    dataset = load_dataset(image_folder)
    i = dataset.sample_ids.index("cats/rgb.png")
    expected = hashlib.sha256((image_folder / "cats" / "rgb.png").read_bytes()).hexdigest()
    assert dataset.content_hashes[i] == expected


def test_single_sample_class_is_reported_small(make_images) -> None:
    root = make_images({"a": 3, "b": 1})
    (root / "empty").mkdir()
    report = load_dataset(root).report
    assert report.small_classes == ("b", "empty")


def test_only_one_class_left_fails(tmp_path: Path) -> None:
    root = tmp_path / "one"
    write(root / "cats" / "a.png", noisy_bytes(1))
    write(root / "dogs" / "broken.png", b"garbage")
    with pytest.raises(DatasetError, match="at least 2 classes; found only 'cats' in .*one"):
        load_dataset(root)


def test_nothing_usable_fails(tmp_path: Path) -> None:
    root = tmp_path / "broken"
    write(root / "cats" / "a.png", b"garbage")
    write(root / "dogs" / "b.jpg", b"more garbage")
    with pytest.raises(DatasetError, match="nothing usable"):
        load_dataset(root)
