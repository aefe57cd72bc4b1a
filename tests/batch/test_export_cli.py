"""``main.py --export RUN --format F [--out DIR]``: what was written and the parity figures on
stdout; exit 0 when parity passed, 3 when the export was written and recorded but failed its
check, 2 with one ``error:`` line and nothing recorded for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import CliRunner, assert_one_error_line

from app.core.catalog import Catalog


@pytest.mark.parametrize("by", ["id", "uid prefix"])
def test_an_export_prints_what_it_wrote_and_its_figures(
        cli: CliRunner, existing_catalog: Path, tmp_path: Path, by: str) -> None:
    reference = "1" if by == "id" else Catalog(existing_catalog).get_run_record(1).uid[:8]

    result = cli("--export", reference, "--format", "onnx", "--out", tmp_path / "out",
                 "--catalog", existing_catalog)

    assert result.code == 0, result.both
    record = Catalog(existing_catalog).list_exports(1)[0]
    assert record.status == "passed" and record.path == (tmp_path / "out" / "model.onnx")
    assert f"wrote {record.path}" in result.out and "model.json" in result.out
    assert "parity passed on " in result.out and "top-1 agreement 100.00% at batch 1" in result.out
    assert f"recorded as export {record.id} of run 1 (passed)" in result.out


def test_a_failed_parity_exits_3_and_is_recorded_failed(
        cli: CliRunner, existing_catalog: Path) -> None:
    result = cli("--export", "1", "--format", "onnx", "--tolerance", "0",
                 "--catalog", existing_catalog)

    records = Catalog(existing_catalog).list_exports(1)
    if records and records[0].details["parity"]["max_abs_diff"] == 0.0:
        pytest.skip("this platform's two runtimes agreed to the last bit; nothing to fail")
    assert result.code == 3, result.both
    assert "parity FAILED" in result.out and records[0].status == "failed"


@pytest.mark.parametrize(("args", "fragments"), [
    (("--export", "99", "--format", "onnx"), ("run 99: ", "has no run with that id or uid")),
    (("--export", "1", "--format", "onnx", "--out", "{file}/sub"), ("cannot write into",)),
], ids=["unknown-run", "unwritable-out"])
def test_bad_input_exits_2_with_one_line_and_records_nothing(
        cli: CliRunner, existing_catalog: Path, tmp_path: Path, args: tuple[str, ...],
        fragments: tuple[str, ...]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    args = tuple(a.replace("{file}", str(blocker)) for a in args)

    result = cli(*args, "--catalog", existing_catalog)

    assert_one_error_line(result, fragments)
    assert Catalog(existing_catalog).list_exports() == []


def test_export_flags_need_export_and_export_needs_a_format(cli: CliRunner) -> None:
    assert cli("--format", "onnx").code == 2
    result = cli("--export", "1")
    assert result.code == 2 and "--export needs --format" in result.err
