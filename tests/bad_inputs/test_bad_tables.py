"""Bad text tables: refused with the file and the line or column to fix, or lines skipped.

Encodings are never guessed (a wrong guess silently corrupts labels), so Latin-1 and UTF-16
files are refused with what to do; lines that cannot be a sample are skipped with their line
number; a table whose classes are too small for the split is refused, naming the classes.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.bad_inputs.builders import LINUX_ONLY
from tests.bad_inputs.checks import (
    CatalogSnapshot,
    CliRunner,
    assert_refused,
    assert_skipped,
    skipped_lines,
)
from tests.batch.cli_helpers import run_main, write_toml

ROWS = "good morning all,greeting\nsee you later,farewell\nhello there,greeting\nbye now,farewell\n"

# file name → (bytes, extra --inspect options, fragments of the one error line)
REFUSED: dict[str, tuple[bytes, tuple[str, ...], tuple[str, ...]]] = {
    "latin-1.csv": ("text,label\ngood morning,a\nthe caf\xe9 is open,b\n".encode("latin-1"), (),
                    ("latin-1.csv", "not UTF-8", "line 3", "value 0xe9", "save it with UTF-8")),
    "utf-16.csv": (("text,label\n" + ROWS).encode("utf-16"), (),
                   ("utf-16.csv", "UTF-16", "save it with UTF-8")),
    "empty.csv": (b"", (), ("empty.csv", "has no data lines")),
    "header-only.csv": (b"text,label\n", (), ("header-only.csv", "header row (line 1)",
                                               "no data lines")),
    "random-bytes.csv": (random.Random(3).randbytes(400), (), ("random-bytes.csv",
                                                               "not UTF-8 text: line")),
    "one-column.txt": (b"just words\nmore words\nand more\n", (),
                       ("one-column.txt", "does not look like a table")),
    "missing-column.csv": (("text,label\n" + ROWS).encode(), ("--text-column", "body"),
                           ("missing-column.csv", "text column 'body' not found",
                            "0: 'text'", "1: 'label'")),
    "wrong-delimiter.csv": (("text,label\n" + ROWS).encode(), ("--delimiter", ";"),
                            ("wrong-delimiter.csv", "no line splits into columns",
                             "delimiter ';'", "looks comma-separated")),
    "invalid-delimiter.csv": (("text,label\n" + ROWS).encode(), ("--delimiter", "ab"),
                              ("invalid-delimiter.csv", "invalid delimiter 'ab'")),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_bad_table_is_refused_naming_the_file(name: str, cli: CliRunner,
                                                tmp_path: Path) -> None:
    data, options, fragments = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(data)

    assert_refused(cli("--inspect", path, *options), *fragments)


WHERE = "bad.toml, experiment 1 ('t')"


@pytest.mark.parametrize(("name", "key", "fragments"), [
    ("latin-1.csv", "", REFUSED["latin-1.csv"][2]),
    ("header-only.csv", "", REFUSED["header-only.csv"][2]),
    ("wrong-delimiter.csv", 'delimiter = ";"',
     (WHERE, "wrong-delimiter.csv", "delimiter ';'", "use delimiter = 'comma'")),
    ("invalid-delimiter.csv", 'delimiter = "ab"',  # a file mistake: named at read time
     (WHERE, "'delimiter'", "invalid delimiter 'ab'")),
])
def test_batch_refuses_the_same_table_and_leaves_the_catalog_alone(
        name: str, key: str, fragments: tuple[str, ...], cli: CliRunner, tmp_path: Path,
        existing_catalog: Path) -> None:
    (tmp_path / name).write_bytes(REFUSED[name][0])
    experiments = write_toml(tmp_path / "bad.toml", f'[[experiment]]\nname = "t"\n'
                             f'dataset = "{name}"\nmodel = "bag_of_embeddings"\n{key}\n')
    before = CatalogSnapshot(existing_catalog)

    result = cli("--batch", experiments, "--catalog", existing_catalog)

    assert_refused(result, *fragments)
    before.assert_unchanged()


@LINUX_ONLY
def test_a_table_that_is_a_named_pipe_is_refused_without_reading_it(tmp_path: Path) -> None:
    pipe = tmp_path / "stream.csv"
    os.mkfifo(pipe)

    result = run_main("--inspect", pipe, timeout=60)

    assert_refused(result, "stream.csv", "neither a folder nor a regular file")


@pytest.mark.parametrize(("text", "source", "fragments"), [
    ("text,label\nhello,a,extra\n" + ROWS, "line 2", ("expected 2 fields, found 3",)),
    ("text,label\n" + ROWS + "no label here,\n", "line 6", ("missing label",)),
    ("text,label\n" + ROWS + "  ,greeting\n", "line 6", ("empty text",)),
    ('text,label\n"a quoted text\nover two lines",greeting\nragged,row,here\n' + ROWS,
     "line 4", ("expected 2 fields, found 3",)),
])
def test_a_bad_line_is_skipped_with_its_line_number(text: str, source: str,
                                                     fragments: tuple[str, ...],
                                                     cli: CliRunner, tmp_path: Path) -> None:
    """The last case proves line numbers count file lines: a quoted field spanning two
    lines makes the ragged row line 4, not record 3."""
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")

    result = cli("--inspect", path)

    assert_skipped(result, source, *fragments)
    assert len(skipped_lines(result)) == 1


def test_a_utf8_bom_is_not_part_of_the_first_column_name(cli: CliRunner,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbftext,label\n" + ROWS.encode())

    result = cli("--inspect", path, "--text-column", "text")

    assert result.code == 0 and "4 found, 4 kept, 0 skipped" in result.out


def _thousand_labels(folder: Path) -> Path:
    rows = "".join(f"sample text number {i},label{i:04d}\n" for i in range(1000))
    path = folder / "labels.csv"
    path.write_text("text,label\n" + rows, encoding="utf-8")
    return path


def test_inspect_lists_every_class_too_small_to_split(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("--inspect", _thousand_labels(tmp_path))

    assert result.code == 0
    small = result.out.split("Classes with fewer than 2 samples", 1)[1]
    assert small.count(": 1\n") == 1000


def test_batch_refuses_a_table_too_small_for_the_split(cli: CliRunner, tmp_path: Path,
                                                       existing_catalog: Path) -> None:
    """1,000 labels of one sample each: no test (and no validation) sample. It once trained
    and exited 0; now it is exit 2, naming the classes and what to change."""
    _thousand_labels(tmp_path)
    experiments = write_toml(tmp_path / "bad.toml", '[[experiment]]\nname = "many"\n'
                             'dataset = "labels.csv"\nmodel = "bag_of_embeddings"\nepochs = 1\n')
    before = CatalogSnapshot(existing_catalog)

    result = cli("--batch", experiments, "--catalog", existing_catalog)

    assert result.code == 2 and "Traceback" not in result.both
    line = result.err.strip()
    for fragment in ("labels.csv", "val_fraction = 0.1 and test_fraction = 0.2",
                     "no validation and no test sample", "all 1000 classes are too small",
                     "'label0000' (1)", "… and 995 more", "a class needs at least 6"):
        assert fragment in line, f"{fragment!r} missing from: {line}"
    assert line.startswith("error: ") and len(result.err.strip().splitlines()) == 1
    before.assert_unchanged()


def test_a_table_too_small_for_the_split_is_refused_before_anything_starts(
        cli: CliRunner, tmp_path: Path) -> None:
    _thousand_labels(tmp_path)
    experiments = write_toml(tmp_path / "bad.toml", '[[experiment]]\nname = "many"\n'
                             'dataset = "labels.csv"\nmodel = "bag_of_embeddings"\n')
    catalog = tmp_path / "fresh" / "catalog.sqlite"

    result = cli("--batch", experiments, "--catalog", catalog)

    assert_refused(result, "bad.toml, experiment 1 ('many')", "no validation and no test")
    assert not catalog.exists()
