"""Bad image folders: entries that are skipped with a reason naming them, and folders refused.

A bad entry must never refuse (or hang) the whole folder: links that dangle or loop, named
pipes, undecodable names, empty, truncated, random and bomb files are each skipped and listed;
a class folder that links back to the dataset is skipped, not made a class.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bad_inputs import builders as bad
from tests.bad_inputs.checks import (
    CliRunner,
    assert_refused,
    assert_skipped,
    classes,
    skipped_lines,
)
from tests.batch.cli_helpers import run_main, write_toml

pytestmark = bad.LINUX_ONLY

GOOD = {"blue": 6, "green": 6, "red": 6}

# builder → fragments of the reason --inspect gives for the entry the builder names
SKIPPED: dict[str, tuple[Callable[[Path], str], tuple[str, ...]]] = {
    "dangling-link": (bad.dangling_link, ("broken symbolic link", "deleted-long-ago.png",
                                          "does not exist")),
    "self-loop-link": (bad.self_loop_link, ("symbolic link loop", "back to itself")),
    "class-links-to-dataset": (bad.link_to_dataset, ("contains the dataset itself",
                                                     "not a class")),
    "class-links-to-ancestor": (bad.link_to_ancestor, ("contains the dataset itself",
                                                       "not a class")),
    "loop-inside-class": (bad.link_loop_inside_class, ("folder that contains it",
                                                       "not followed")),
    "zero-bytes": (bad.zero_bytes, ("empty file (0 bytes)",)),
    "truncated-png": (bad.truncated_png, ("cannot decode image",)),
    "random-bytes-jpg": (bad.random_jpeg, ("cannot decode image", "not an image")),
    "decompression-bomb": (bad.bomb, ("image too large to decode safely",
                                      "10000000000 pixels")),
}


@pytest.mark.parametrize("case", list(SKIPPED))
def test_a_bad_entry_is_skipped_and_named_and_the_rest_loads(case: str, cli: CliRunner,
                                                             images: Path) -> None:
    build, fragments = SKIPPED[case]
    source = build(images)

    result = cli("--inspect", images)

    assert_skipped(result, source, *fragments)
    assert len(skipped_lines(result)) == 1
    assert classes(result) == GOOD  # no bogus class, nothing good lost
    assert "Samples: 19 found, 18 kept, 1 skipped" in result.out


def test_a_named_pipe_is_skipped_without_reading_it(images: Path) -> None:
    """Reading a named pipe blocks until someone writes; a real process with a deadline
    proves the load never opens it."""
    source = bad.named_pipe(images)

    result = run_main("--inspect", images, timeout=60)

    assert_skipped(result, source, "not a regular file (named pipe)", "without reading")
    assert classes(result) == GOOD


def test_undecodable_file_names_load_escaped_on_a_strict_terminal(
        images: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal whose encoding refuses lone surrogates (what a UTF-8 locale gives Python)
    must still get the report; the names appear escaped, in the text and in the JSON."""
    file, folder = bad.undecodable_names(images)
    monkeypatch.setenv("PYTHONIOENCODING", "utf-8:strict")
    report = tmp_path / "report.json"

    result = run_main("--inspect", images, "--json", report, timeout=60)

    assert result.code == 0, result.err
    assert classes(result) == {"blue": 6, folder: 6, "red": 7}
    assert file in result.out and "Skipped:" not in result.out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert folder in data["class_counts"] and data["kept"] == 19


def test_gif_webp_rgba_and_rotated_jpeg_are_kept(cli: CliRunner, images: Path) -> None:
    bad.other_formats(images)

    result = cli("--inspect", images)

    assert skipped_lines(result) == {}
    assert classes(result) == {"blue": 8, "green": 7, "red": 7}


def test_system_clutter_is_ignored_not_listed(cli: CliRunner, images: Path) -> None:
    bad.clutter(images)

    result = cli("--inspect", images)

    assert skipped_lines(result) == {}
    assert classes(result) == GOOD and "Samples: 18 found, 18 kept, 0 skipped" in result.out


def test_an_empty_class_folder_is_reported_small(cli: CliRunner, images: Path) -> None:
    name = bad.empty_class_folder(images)

    result = cli("--inspect", images)

    assert result.code == 0 and skipped_lines(result) == {}
    small = result.out.split("Classes with fewer than 2 samples", 1)[1]
    assert f"  {name}: 0" in small


def test_a_folder_with_one_class_is_refused(cli: CliRunner, images: Path) -> None:
    bad.only_one_class(images)

    result = cli("--inspect", images)

    assert_refused(result, "at least 2 classes", "'red'", str(images))


def test_a_folder_of_empty_class_folders_is_refused(cli: CliRunner, images: Path) -> None:
    bad.only_empty_class_folders(images)

    result = cli("--inspect", images)

    assert_refused(result, str(images), "hold no images", "no .txt files")


def _every_skippable_defect(root: Path) -> int:
    for build in (bad.clutter, bad.dangling_link, bad.self_loop_link, bad.link_to_dataset,
                  bad.named_pipe, bad.zero_bytes, bad.truncated_png, bad.bomb,
                  bad.undecodable_names):
        build(root)
    return 7  # the clutter is ignored and the undecodable names load


def test_batch_trains_on_what_is_left_on_a_strict_terminal(
        images: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    skipped = _every_skippable_defect(images)
    experiments = write_toml(images.parent / "e.toml", """
[[experiment]]
name = "messy"
dataset = "colours"
model = "mlp"
epochs = 1
batch_size = 8
""")
    monkeypatch.setenv("PYTHONIOENCODING", "utf-8:strict")

    result = run_main("--batch", experiments, "--catalog", tmp_path / "c" / "catalog.sqlite",
                      timeout=120)

    assert result.code == 0, result.err
    assert "Traceback" not in result.out + result.err and "completed" in result.out
    inspected = run_main("--inspect", images, timeout=60)
    assert len(skipped_lines(inspected)) == skipped


def test_batch_prints_a_summary_of_skipped_samples(cli: CliRunner, images: Path,
                                                   tmp_path: Path) -> None:
    for build in (bad.zero_bytes, bad.truncated_png, bad.dangling_link):
        build(images)
    experiments = write_toml(images.parent / "e.toml", """
[[experiment]]
name = "some-skipped"
dataset = "colours"
model = "mlp"
epochs = 1
batch_size = 8
""")

    result = cli("--batch", experiments, "--catalog", tmp_path / "catalog.sqlite")

    assert result.code == 0, result.err
    line = next(line for line in result.out.splitlines() if "skipped 3 of 21 files" in line)
    assert f"in {images}: 1 broken symbolic link, 1 cannot decode image, 1 empty file" in line
