"""Text folders and kind detection, including the errors for unusable paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from ds_files import noisy_bytes, write

from app.core.datasets import load_dataset
from app.core.errors import DatasetError


def test_text_folder(make_texts) -> None:
    root = make_texts({"pos": ["good", "  great  \n"], "neg": ["bad", "worse"]})
    write(root / "pos" / "image.png", noisy_bytes(1))
    write(root / "neg" / "blank.txt", " \n")
    write(root / "neg" / "bom.txt", "\ufeffwith bom")
    dataset = load_dataset(root)
    assert dataset.kind == "text"
    assert dataset.class_names == ("neg", "pos")
    texts = dict(zip(dataset.sample_ids, dataset.texts, strict=True))
    assert texts["pos/001.txt"] == "great"
    assert texts["neg/bom.txt"] == "with bom"
    skipped = {s.source: s.reason for s in dataset.report.skipped}
    assert skipped == {"pos/image.png": "not a .txt file (.png)", "neg/blank.txt": "empty text"}
    assert dataset.report.found == 7 and dataset.report.kept == 5


def test_text_folder_latin1_names_file_and_line(make_texts) -> None:
    root = make_texts({"a": ["x", "y"], "b": ["z"]})
    (root / "b" / "bad.txt").write_bytes("line one\nna\u00efve\n".encode("latin-1"))
    with pytest.raises(DatasetError, match=r"bad\.txt is not UTF-8.*line 2.*UTF-8"):
        load_dataset(root)


def test_duplicate_texts_reported(make_texts) -> None:
    root = make_texts({"a": ["same", "other"], "b": ["same", "third"]})
    (group,) = load_dataset(root).report.duplicates
    assert group.sources == ("a/000.txt", "b/000.txt")
    assert group.conflicting


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"nowhere does not exist; expected a folder"):
        load_dataset(tmp_path / "nowhere")


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".hidden").write_text("x")
    with pytest.raises(DatasetError, match=r"empty is empty; expected one sub-folder per class"):
        load_dataset(tmp_path / "empty")


def test_folder_without_class_folders(tmp_path: Path) -> None:
    write(tmp_path / "flat" / "a.png", noisy_bytes(1))
    with pytest.raises(DatasetError, match=r"flat has no class folders"):
        load_dataset(tmp_path / "flat")


def test_class_folders_without_images_or_texts(tmp_path: Path) -> None:
    write(tmp_path / "odd" / "a" / "x.pdf", b"%PDF")
    write(tmp_path / "odd" / "b" / "y.doc", b"doc")
    with pytest.raises(DatasetError, match=r"hold no images .* and no \.txt files"):
        load_dataset(tmp_path / "odd")


def test_kind_follows_the_majority(tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    for i in range(3):
        write(root / "a" / f"{i}.png", noisy_bytes(i))
        write(root / "b" / f"{i}.png", noisy_bytes(10 + i))
    write(root / "a" / "caption.txt", "a caption")
    dataset = load_dataset(root)
    assert dataset.kind == "image"
    assert dataset.report.skipped[0].source == "a/caption.txt"
