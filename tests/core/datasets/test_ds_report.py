"""The validation report: JSON form, printed form, truncation of long lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ds_files import write

from app.core.datasets import format_skipped_summary, load_dataset
from app.core.datasets._report import reason_category


def test_to_dict_is_json_and_complete(image_folder: Path) -> None:
    report = load_dataset(image_folder).report
    data = json.loads(json.dumps(report.to_dict()))
    assert data["kind"] == "image"
    assert data["path"] == str(image_folder.resolve())
    assert (data["found"], data["kept"]) == (15, 11)
    assert {s["source"] for s in data["skipped"]} >= {"cats/corrupt.png", "readme.md"}
    assert data["duplicates"][0]["conflicting"] is True
    assert data["class_counts"] == {"cats": 7, "dogs": 4}
    assert data["fingerprint"] == report.fingerprint


def test_format_text_shows_everything(image_folder: Path) -> None:
    dataset = load_dataset(image_folder)
    text = dataset.report.format_text()
    for expected in (
        "Kind: image", str(image_folder.resolve()), "cats: 7", "dogs: 4",
        "15 found, 11 kept, 4 skipped", "readme.md: not inside a class folder",
        "cats/notes.txt: not an image file", "Exact duplicates: 1 groups",
        "CONFLICTING LABELS", dataset.fingerprint,
    ):
        assert expected in text


def test_long_skip_list_is_truncated(tmp_path: Path) -> None:
    lines = [f"text {i}\t{'a' if i % 2 else 'b'}" for i in range(70)]
    lines += ["broken line without tab"] * 60
    dataset = load_dataset(write(tmp_path / "t.tsv", "\n".join(lines) + "\n"))
    report = dataset.report
    assert len(report.skipped) == 60 and len(report.to_dict()["skipped"]) == 60
    text = report.format_text()
    assert "line 120: expected 2 fields" in text  # the 50th skipped line is printed
    assert "line 121:" not in text
    assert "... and 10 more" in text


def test_small_classes_listed(make_images) -> None:
    text = load_dataset(make_images({"big": 3, "tiny": 1})).report.format_text()
    assert "fewer than 2 samples" in text and "tiny: 1" in text


def test_summary_line_counts_skips_by_kind_and_names_the_first(image_folder: Path) -> None:
    line = load_dataset(image_folder).report.summary_line(limit=1)
    root = str(image_folder.resolve())

    assert line.startswith(f"skipped 4 of 15 files in {root}: ")
    assert "2 cannot decode image, 1 not an image file, 1 not inside a class folder" in line
    assert "(first: readme.md: not inside a class folder; …)" in line
    assert line.endswith(f"main.py --inspect {root} lists them all")
    assert "\n" not in line


def test_summary_line_of_a_table_counts_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "t.tsv", "a text\tx\nbroken\nmore text\ty\nthird\tx\nlast\ty\n")
    line = format_skipped_summary(load_dataset(path).report, limit=3)

    assert line.startswith("skipped 1 of 5 lines in ")
    assert "1 expected 2 fields (first: line 2: expected 2 fields, found 1)" in line


def test_summary_line_is_empty_when_nothing_was_skipped(make_images) -> None:
    assert load_dataset(make_images({"a": 2, "b": 2})).report.summary_line() == ""


@pytest.mark.parametrize(("reason", "kind"), [
    ("cannot decode image (OSError: image file is truncated)", "cannot decode image"),
    ("expected 2 fields, found 3", "expected 2 fields"),
    ("not a regular file (named pipe); skipped without reading it", "not a regular file"),
    ("empty text", "empty text"),
])
def test_reason_category_drops_the_details(reason: str, kind: str) -> None:
    assert reason_category(reason) == kind
