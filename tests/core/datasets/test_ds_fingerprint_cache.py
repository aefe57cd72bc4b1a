"""Fingerprints follow content and labels only; the load cache follows file changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ds_files import noisy_bytes, write

from app.core.datasets import TableOptions, load_dataset


def test_fingerprint_survives_copy_and_move(image_folder: Path, tmp_path: Path) -> None:
    original = load_dataset(image_folder).fingerprint
    copy = shutil.copytree(image_folder, tmp_path / "elsewhere" / "copy")
    assert load_dataset(copy).fingerprint == original
    moved = shutil.move(str(image_folder), str(tmp_path / "moved"))
    assert load_dataset(moved).fingerprint == original


def test_fingerprint_changes_when_one_label_changes(make_images, tmp_path: Path) -> None:
    root = make_images({"a": 3, "b": 3})
    before = load_dataset(root).fingerprint
    (root / "c").mkdir()
    shutil.move(str(root / "a" / "000.png"), str(root / "c" / "000.png"))
    assert load_dataset(root).fingerprint != before


def test_fingerprint_of_table_ignores_line_order(tmp_path: Path) -> None:
    rows = [f"text {i}\t{i % 2}" for i in range(6)]
    a = load_dataset(write(tmp_path / "a.tsv", "\n".join(rows)))
    b = load_dataset(write(tmp_path / "b.tsv", "\n".join(reversed(rows))))
    c = load_dataset(write(tmp_path / "c.tsv", "\n".join([*rows[:-1], "text 5\t0"])))
    assert a.fingerprint == b.fingerprint != c.fingerprint


def test_unchanged_dataset_comes_from_cache(make_images) -> None:
    root = make_images({"a": 2, "b": 2})
    first = load_dataset(root)
    assert load_dataset(root) is first
    assert load_dataset(str(root) + "/.") is first  # same resolved path


def test_changed_file_invalidates_cache(make_images) -> None:
    root = make_images({"a": 2, "b": 2})
    first = load_dataset(root)
    target = root / "a" / "000.png"
    target.write_bytes(noisy_bytes(4242, size=17))
    second = load_dataset(root)
    assert second is not first
    assert second.fingerprint != first.fingerprint


def test_added_file_and_touched_table_invalidate_cache(make_images, tmp_path: Path) -> None:
    root = make_images({"a": 2, "b": 2})
    first = load_dataset(root)
    write(root / "b" / "new.png", noisy_bytes(77))
    assert len(load_dataset(root)) == len(first) + 1
    table = write(tmp_path / "t.tsv", "x\t0\ny\t1\n")
    loaded = load_dataset(table)
    stat = table.stat()
    os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert load_dataset(table) is not loaded


def test_options_are_part_of_the_cache_key(tmp_path: Path) -> None:
    table = write(tmp_path / "t.csv", "text,label\nx,0\ny,1\n")
    auto = load_dataset(table)
    forced = load_dataset(table, TableOptions(has_header=False, text_column=0, label_column=1))
    assert forced is not auto
    assert forced.report.found == 3


def test_new_empty_class_folder_invalidates_cache(make_images) -> None:
    root = make_images({"a": 2, "b": 2})
    first = load_dataset(root)
    (root / "c").mkdir()
    second = load_dataset(root)
    assert second is not first
    assert second.report.small_classes == ("c",)
    assert second.fingerprint == first.fingerprint  # no sample changed


def test_datasets_are_hashable(make_images) -> None:
    dataset = load_dataset(make_images({"a": 2, "b": 2}))
    assert {dataset: 1}[dataset] == 1
