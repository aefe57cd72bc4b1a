"""CSV/TSV tables: header and column detection, delimiters, quoting, skipped lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from ds_files import write

from app.core.datasets import TableOptions, load_dataset
from app.core.errors import ConfigError, DatasetError

ROWS = [("great film", "pos"), ("awful plot", "neg"), ("loved it", "pos"), ("boring", "neg")]


def _skips(dataset) -> dict[str, str]:
    return {s.source: s.reason for s in dataset.report.skipped}


def test_csv_with_header_detected(tmp_path: Path) -> None:
    body = "text,label\n" + "".join(f"{t},{lab}\n" for t, lab in ROWS)
    dataset = load_dataset(write(tmp_path / "reviews.csv", body))
    assert dataset.kind == "text"
    assert dataset.class_names == ("neg", "pos")
    assert dataset.texts == tuple(t for t, _ in ROWS)
    assert dataset.sample_ids == ("line 2", "line 3", "line 4", "line 5")
    assert dataset.report.found == 4  # the header is not a sample
    assert dataset.options == TableOptions("text", "label", ",", True)


def test_csv_without_header_detected(tmp_path: Path) -> None:
    body = "".join(f"{lab},{t}\n" for t, lab in ROWS)
    dataset = load_dataset(write(tmp_path / "reviews.csv", body))
    assert dataset.report.found == 4
    assert dataset.sample_ids[0] == "line 1"
    assert dataset.options == TableOptions(1, 0, ",", False)


def test_header_detected_from_unknown_column_names(tmp_path: Path) -> None:
    body = "review_body|stars\n" + "".join(f"{t} and more|{lab}\n" for t, lab in ROWS * 2)
    dataset = load_dataset(write(tmp_path / "data.txt", body))
    assert dataset.options.has_header is True
    assert dataset.options.delimiter == "|"
    assert dataset.report.found == 8


def test_tsv_quotes_are_plain_characters(tmp_path: Path) -> None:
    body = 'ham\tHe said "hi\nspam\t"Win" a prize now\nham\tok "\nspam\tfree "cash" here\n'
    dataset = load_dataset(write(tmp_path / "msgs.tsv", body))
    assert dataset.report.found == 4 and dataset.report.kept == 4
    assert dataset.texts[0] == 'He said "hi'
    assert dataset.texts[1] == '"Win" a prize now'


def test_csv_quoting_is_honoured(tmp_path: Path) -> None:
    body = 'text,label\n"hello, world",a\n"say ""hi""",b\n"two\nlines",a\nplain,b\n'
    dataset = load_dataset(write(tmp_path / "q.csv", body))
    assert dataset.texts == ("hello, world", 'say "hi"', "two\nlines", "plain")
    assert dataset.sample_ids == ("line 2", "line 3", "line 4", "line 6")


@pytest.mark.parametrize(("delimiter", "suffix"), [(";", ".csv"), ("|", ".txt"), ("\t", "")])
def test_delimiter_sniffed(tmp_path: Path, delimiter: str, suffix: str) -> None:
    commas = ["", ", really", ", a, b", ""]  # commas in texts vary, so "," splits unevenly
    body = "".join(f"{t}{c}{delimiter}{lab}\n" for (t, lab), c in zip(ROWS, commas, strict=True))
    dataset = load_dataset(write(tmp_path / f"data{suffix}", body))
    assert dataset.options.delimiter == delimiter
    assert dataset.texts[1] == "awful plot, really"


def test_lines_split_on_newline_only(tmp_path: Path) -> None:
    body = "odd\u0085sentence\t0\nnext line\u2028here\t1\nthird\t0\nfourth\t1\n"
    dataset = load_dataset(write(tmp_path / "s.txt", body))
    assert dataset.report.found == 4
    assert dataset.texts[0] == "odd\u0085sentence"


def test_bad_lines_skipped_with_line_numbers(tmp_path: Path) -> None:
    body = (
        "text\tlabel\n"  # 1 header
        "good one\tpos\n"  # 2
        "\tneg\n"  # 3 empty text
        "no label here\t \n"  # 4 missing label
        "too\tmany\tfields\n"  # 5
        "\n"  # 6 blank line inside the file
        "good two\tneg\n"  # 7
        "only one field\n"  # 8
        "good three\tpos\n"  # 9
        "good four\tneg\r\n"  # 10 CRLF
        "\n\n   \n"  # blank lines at the end are not samples
    )
    dataset = load_dataset(write(tmp_path / "t.tsv", body))
    assert _skips(dataset) == {
        "line 3": "empty text",
        "line 4": "missing label",
        "line 5": "expected 2 fields, found 3",
        "line 6": "empty line",
        "line 8": "expected 2 fields, found 1",
    }
    report = dataset.report
    assert report.found == 9 and report.kept == 4
    assert report.kept + len(report.skipped) == report.found
    assert dataset.texts[-1] == "good four"
    assert "line 3: empty text" in report.format_text()


def test_columns_by_name_and_index(tmp_path: Path) -> None:
    body = "id,label,body\n" + "".join(f"{i},{lab},{t}\n" for i, (t, lab) in enumerate(ROWS))
    path = write(tmp_path / "multi.csv", body)
    by_name = load_dataset(path, TableOptions(text_column="body", label_column="label"))
    by_index = load_dataset(path, TableOptions(text_column=2, label_column=1, has_header=True))
    auto = load_dataset(path)
    assert by_name.texts == by_index.texts == auto.texts == tuple(t for t, _ in ROWS)
    assert by_name.class_names == ("neg", "pos")


def test_missing_column_lists_available_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "text,label\n" + "".join(f"{t},{lab}\n" for t, lab in ROWS))
    with pytest.raises(DatasetError, match=r"'sentiment' not found.*'text'.*'label'"):
        load_dataset(path, TableOptions(label_column="sentiment"))
    with pytest.raises(DatasetError, match="column 5 not found"):
        load_dataset(path, TableOptions(text_column=5))


def test_missing_column_in_headerless_file(tmp_path: Path) -> None:
    path = write(tmp_path / "r.tsv", "".join(f"{t}\t{lab}\n" for t, lab in ROWS))
    with pytest.raises(DatasetError, match="no header row; use a 0-based column index"):
        load_dataset(path, TableOptions(text_column=3))


def test_bom_is_stripped(tmp_path: Path) -> None:
    body = "\ufefftext,label\n" + "".join(f"{t},{lab}\n" for t, lab in ROWS)
    dataset = load_dataset(write(tmp_path / "bom.csv", body))
    assert dataset.options.text_column == "text"
    assert dataset.report.found == 4


def test_latin1_file_fails_naming_the_line(tmp_path: Path) -> None:
    body = "text,label\ngood,pos\nbad,neg\ncaf\u00e9 au lait,pos\n".encode("latin-1")
    path = write(tmp_path / "latin.csv", body)
    with pytest.raises(DatasetError, match=r"latin\.csv is not UTF-8.*line 4.*save it .*UTF-8"):
        load_dataset(path)


def test_explicit_delimiter_names(tmp_path: Path) -> None:
    path = write(tmp_path / "d.txt", "".join(f"{t};x\t{lab}\n" for t, lab in ROWS))
    assert load_dataset(path, TableOptions(delimiter="tab")).texts[0] == "great film;x"
    with pytest.raises(ConfigError, match="invalid delimiter"):
        load_dataset(path, TableOptions(delimiter="::"))


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("one_column.txt", "just words\nmore words\n", "does not look like a table"),
        ("blank.csv", "\n\n  \n", "no data lines"),
        ("picture.png", "a,b\nc,d\n", "expected a folder"),
    ],
)
def test_not_a_table(tmp_path: Path, name: str, body: str, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        load_dataset(write(tmp_path / name, body))
