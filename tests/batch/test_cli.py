"""``main.py`` arguments: version, help, --inspect and its table options, --resume.

``main.py`` with no mode opens the window (commit 4ccf2bd); that belongs to the GUI tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import CliRunner, run_main, shared_dataset, write_toml
from factories import write_image_folder, write_text_table

import app
from app.core.catalog import Catalog


def test_version_prints_the_package_version() -> None:
    result = run_main("--version", timeout=60)

    assert result.code == 0
    assert result.out.strip() == f"ModelDesk {app.__version__}"


def test_help_lists_every_mode() -> None:
    result = run_main("--help", timeout=60)

    assert result.code == 0
    for option in ("--batch", "--inspect", "--resume", "--catalog", "--summary-json",
                   "exit codes"):
        assert option in result.out


def test_two_modes_at_once_is_a_usage_error(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("--batch", tmp_path / "a.toml", "--inspect", tmp_path)

    assert result.code == 2
    assert "not allowed with argument" in result.err and "Traceback" not in result.err


def test_resume_of_an_unknown_run_names_it(cli: CliRunner, existing_catalog: Path,
                                           tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    Catalog(empty)

    in_empty = cli("--resume", 999, "--catalog", empty)
    in_existing = cli("--resume", 999, "--catalog", existing_catalog)

    assert in_empty.code == in_existing.code == 2
    assert in_empty.err.strip() == f"error: no run 999 in {empty}"
    assert in_existing.err.strip() == f"error: no run 999 in {existing_catalog}"
    assert "Traceback" not in in_empty.both + in_existing.both
    assert Catalog(empty).count_runs() == 0
    assert Catalog(existing_catalog).count_runs() == 1


def test_resume_with_a_catalog_that_does_not_exist_creates_nothing(cli: CliRunner,
                                                                   tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "catalog.sqlite"

    result = cli("--resume", 999, "--catalog", missing)

    assert result.code == 2 and "999" in result.err
    assert not missing.exists()


def test_catalog_comes_from_the_environment_without_catalog_option(
        cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_text_table(tmp_path / "table.csv", rows_per_class=5)
    experiments = write_toml(tmp_path / "e.toml", """
[[experiment]]
dataset = "table.csv"
model = "bag_of_embeddings"
epochs = 1
threads = 1
""")
    from_env = tmp_path / "env" / "catalog.sqlite"
    monkeypatch.setenv("MODELDESK_CATALOG", str(from_env))

    result = cli("--batch", experiments)

    assert result.code == 0, result.err
    assert f"catalog {from_env}" in result.out
    run = Catalog(from_env).get_run_record(1)
    assert (run.name, run.status) == ("bag_of_embeddings on table.csv", "completed")
    assert run.run_dir == from_env.parent / "catalog_runs" / run.uid
    assert (run.run_dir / "model.safetensors").is_file()


# --------------------------------------------------------------------------- --inspect


def test_inspect_prints_the_report_and_writes_json(cli: CliRunner, tmp_path: Path) -> None:
    root = write_image_folder(tmp_path / "colours", per_class=4)
    (root / "green" / "bad.png").write_bytes(b"not an image at all")
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()

    result = cli("--inspect", root, "--json", report)

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"Dataset: {root}"
    assert "Kind: image" in lines
    assert "Classes (3):" in lines
    assert {"  blue: 4", "  green: 4", "  red: 4"} <= set(lines)
    assert "Samples: 13 found, 12 kept, 1 skipped" in lines
    assert any(line.startswith("  green/bad.png: cannot decode image") for line in lines)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["kept"] + len(data["skipped"]) == data["found"] == 13
    assert data["class_counts"] == {"blue": 4, "green": 4, "red": 4}
    assert f"Fingerprint: {data['fingerprint']}" in lines
    assert len(data["fingerprint"]) == 64


def test_inspect_never_creates_a_catalog(cli: CliRunner, tmp_path: Path) -> None:
    table = write_text_table(tmp_path / "t.csv", rows_per_class=3)
    catalog = tmp_path / "catalog.sqlite"

    result = cli("--inspect", table, "--catalog", catalog)

    assert result.code == 0 and "Kind: text" in result.out
    assert not catalog.exists()


@pytest.mark.parametrize("delimiter", ["\t", "\\t"])
def test_inspect_column_options_on_a_headerless_tsv(cli: CliRunner, tmp_path: Path,
                                                    delimiter: str) -> None:
    """Label first, then text, no header: only the options say which column is which."""
    rows = write_text_table(tmp_path / "plain.tsv", rows_per_class=4, delimiter="\t",
                            header=False).read_text(encoding="utf-8").splitlines()
    swapped = tmp_path / "swapped.tsv"
    swapped.write_text("".join(f"{label}\t{text}\n" for text, label in
                               (row.split("\t") for row in rows)), encoding="utf-8")
    report = tmp_path / "r.json"

    result = cli("--inspect", swapped, "--no-header", "--delimiter", delimiter,
                 "--text-column", "1", "--label-column", "0", "--json", report)

    assert result.code == 0, result.err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["found"], data["kept"], data["skipped"]) == (12, 12, [])
    assert data["class_counts"] == {"cooking": 4, "sports": 4, "weather": 4}
    assert "Samples: 12 found, 12 kept, 0 skipped" in result.out


def test_inspect_names_columns_by_header(cli: CliRunner, tmp_path: Path) -> None:
    table = write_text_table(tmp_path / "t.csv", rows_per_class=3)

    named = cli("--inspect", table, "--text-column", "text", "--label-column", "label")
    wrong = cli("--inspect", table, "--text-column", "body")

    assert named.code == 0 and "Samples: 9 found, 9 kept, 0 skipped" in named.out
    assert wrong.code == 2
    assert wrong.err.strip() == (f"error: {table}: text column 'body' not found; "
                                 "available columns: 0: 'text', 1: 'label'")


def test_inspect_a_missing_path(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("--inspect", tmp_path / "nothing-here")

    assert result.code == 2
    assert "nothing-here does not exist" in result.err and "Traceback" not in result.err


def test_inspect_the_real_sms_spam_collection(cli: CliRunner, tmp_path: Path) -> None:
    path = shared_dataset("sms-spam-collection") / "SMSSpamCollection"
    report = tmp_path / "sms.json"

    result = cli("--inspect", path, "--json", report)

    assert result.code == 0, result.err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["found"] == 5574
    assert data["kept"] + len(data["skipped"]) == data["found"]
    assert set(data["class_counts"]) == {"ham", "spam"}
    assert sum(data["class_counts"].values()) == data["kept"]
    assert f"Samples: 5574 found, {data['kept']} kept" in result.out
