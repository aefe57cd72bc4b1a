"""``main.py --inspect`` adds the split per class and near duplicates, for chosen settings."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import CliRunner
from factories import write_image_folder

from app.core.datasets import load_dataset, split_by_class, split_dataset


def test_inspect_prints_and_writes_the_split_for_the_given_settings(cli: CliRunner,
                                                                  tmp_path: Path) -> None:
    root = write_image_folder(tmp_path / "colours", per_class=10)
    report = tmp_path / "report.json"

    result = cli("--inspect", root, "--json", report, "--val-fraction", "0.2",
                 "--test-fraction", "0.3", "--seed", "9")

    assert result.code == 0, result.err
    assert "Split per class (val_fraction 0.2, test_fraction 0.3, seed 9):" in result.out
    dataset = load_dataset(root)
    rows = split_by_class(dataset, split_dataset(dataset, 0.2, 0.3, 9))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["split"]["classes"] == {
        row.name: {"train": row.train, "val": row.val, "test": row.test} for row in rows}
    assert (data["split"]["seed"], data["near_duplicates"], data["imbalance"]) == (9, [], None)


def test_a_bad_fraction_is_refused_naming_it(cli: CliRunner, tmp_path: Path) -> None:
    root = write_image_folder(tmp_path / "colours", per_class=4)

    result = cli("--inspect", root, "--test-fraction", "1.5")

    assert result.code == 2 and "test_fraction" in result.err and "Traceback" not in result.err
    assert cli("--seed", "3").code == 2
