"""``main.py --check-labels DATASET``: real processes. The ranked table and its JSON find
labels planted wrong in a real table; the table options of --inspect apply; bad input is
one error line and exit 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cli_helpers import assert_one_error_line, run_main
from factories import text_rows


def _table_with_flips(path: Path, flips: dict[int, str], **kwargs: object) -> Path:
    """A keyword table (header, ``text,label``) whose rows ``flips`` carry the wrong label."""
    rows = [list(row) for row in text_rows(25)]
    for index, label in flips.items():
        rows[index][1] = label
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", **kwargs)
        if "delimiter" not in kwargs:
            writer.writerow(("text", "label"))
        writer.writerows(rows)
    return path


def _flips(rows: list[tuple[str, str]]) -> dict[int, str]:
    return {i: next(c for c in ("sports", "weather", "cooking") if c != rows[i][1])
            for i in (3, 30, 61)}


def test_the_ranked_list_and_its_json_name_the_planted_errors(tmp_path: Path) -> None:
    flips = _flips(text_rows(25))
    table = _table_with_flips(tmp_path / "topics.csv", flips)
    out = tmp_path / "issues.json"

    result = run_main("--check-labels", table, "--json", out,
                      "--catalog", tmp_path / "catalog.sqlite", timeout=300)

    assert result.code == 0, result.both
    assert "rank  sample" in result.out and "given" in result.out and "score" in result.out
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["samples"] == 75 and report["folds"] == 5
    found = {issue["sample_id"]: issue for issue in report["issues"]}
    planted = {f"line {i + 2}" for i in flips}  # line 1 is the header
    assert len(planted & set(found)) >= 2, report["issues"]
    for sample in planted & set(found):
        assert found[sample]["given"] == flips[int(sample.split()[1]) - 2]
        assert found[sample]["suggested"] != found[sample]["given"]
        assert f"{sample} " in result.out
    assert not (tmp_path / "catalog.sqlite").exists()  # features are cached, nothing recorded


def test_the_table_options_of_inspect_apply(tmp_path: Path) -> None:
    flips = _flips(text_rows(25))
    table = _table_with_flips(tmp_path / "topics.tsv", flips, delimiter="\t")

    result = run_main("--check-labels", table, "--no-header", "--delimiter", "\\t",
                      "--text-column", "0", "--label-column", "1",
                      "--catalog", tmp_path / "catalog.sqlite", timeout=300)

    assert result.code == 0, result.both
    assert "Samples: 75;" in result.out


def test_a_missing_dataset_is_one_error_line(tmp_path: Path) -> None:
    result = run_main("--check-labels", tmp_path / "nothing-here")
    assert_one_error_line(result, ("nothing-here does not exist",))


def test_a_json_in_a_missing_folder_is_one_error_line(tmp_path: Path) -> None:
    table = _table_with_flips(tmp_path / "t.csv", {})
    result = run_main("--check-labels", table, "--json", tmp_path / "no" / "x.json")
    assert_one_error_line(result, ("--json", "does not exist"))


def test_table_options_without_a_mode_are_a_usage_error(tmp_path: Path) -> None:
    result = run_main("--text-column", "0")
    assert result.code == 2
    assert "--text-column only works with --inspect PATH or --check-labels DATASET" in result.err
