"""``main.py --export RUN --format F [--out DIR]``: what was written and the parity figures on
stdout; exit 0 when parity passed, 3 when the export was written and recorded but failed its
check, 2 with one ``error:`` line and nothing recorded for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import CliRunner, assert_one_error_line

from app.core.analysis import test_results
from app.core.catalog import Catalog
from app.core.inference import Predictor
from tests.core.export.standalone.standalone_helpers import run_predict


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


def test_a_bundle_runs_without_torch_and_gives_the_predictors_top1_on_every_test_sample(
        cli: CliRunner, existing_catalog: Path, tmp_path: Path, torch_free) -> None:
    result = cli("--export", "1", "--format", "bundle", "--out", tmp_path / "out",
                 "--catalog", existing_catalog)

    assert result.code == 0, result.both
    catalog = Catalog(existing_catalog)
    onnx_row, bundle_row = catalog.list_exports(1)
    assert bundle_row.kind == "bundle" and bundle_row.source_export_id == onnx_row.id
    folder = Path(bundle_row.details["folder"])
    assert f"wrote {bundle_row.path}" in result.out and f"the folder {folder}" in result.out
    assert (f"recorded as export {bundle_row.id} of run 1 (passed), packing ONNX export "
            f"{onnx_row.id}") in result.out

    texts = [s.text for s in test_results(catalog, 1).samples]
    predictor = Predictor.from_run(catalog, 1)
    want = [predictor.class_names[max(range(len(p)), key=p.__getitem__)]
            for p in predictor.probabilities(texts)]
    done = run_predict(torch_free, folder, "--json",
                       *(arg for text in texts for arg in ("--text", text)), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [row["input"] for row in rows] == texts and len(texts) >= 2
    assert [row["class"] for row in rows] == want


@pytest.mark.parametrize(("args", "fragments"), [
    (("--export", "99", "--format", "onnx"), ("run 99: ", "has no run with that id or uid")),
    (("--export", "1", "--format", "onnx", "--out", "{file}/sub"), ("cannot write into",)),
    (("--export", "1", "--format", "bundle", "--out", "{file}/sub"), ("cannot write into",)),
    (("--export", "1", "--format", "bundle", "--out", "{occupied}"),
     ("_bundle already exists; choose an empty output folder",)),
], ids=["unknown-run", "unwritable-out", "bundle-unwritable-out", "bundle-occupied-out"])
def test_bad_input_exits_2_with_one_line_and_records_nothing(
        cli: CliRunner, existing_catalog: Path, tmp_path: Path, args: tuple[str, ...],
        fragments: tuple[str, ...]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    occupied = tmp_path / "occupied"
    uid = Catalog(existing_catalog).get_run_record(1).uid
    (occupied / f"bag_of_embeddings_{uid[:8]}_bundle").mkdir(parents=True)
    args = tuple(a.replace("{file}", str(blocker)).replace("{occupied}", str(occupied))
                 for a in args)

    result = cli(*args, "--catalog", existing_catalog)

    assert_one_error_line(result, fragments)
    assert Catalog(existing_catalog).list_exports() == []


def test_export_flags_need_export_and_export_needs_a_format(cli: CliRunner) -> None:
    assert cli("--format", "onnx").code == 2
    result = cli("--export", "1")
    assert result.code == 2 and "--export needs --format" in result.err
