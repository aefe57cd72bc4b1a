"""The bundle's ``predict.py`` in a virtual environment without torch or ModelDesk gives the
same top-1 as ModelDesk's Predictor on every test sample of real trained runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.core.analysis import test_results
from app.core.inference import Predictor
from tests.core.export.standalone.standalone_helpers import needs_minilm, run_predict

MODELS = ["small_cnn", "bag_of_embeddings", pytest.param("minilm", marks=needs_minilm)]


def test_the_venv_has_the_requirements_and_no_torch_or_modeldesk(torch_free) -> None:
    import subprocess

    def runs(code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(torch_free.python), "-c", code], capture_output=True,
                              text=True, cwd=torch_free.python.parent, check=False)

    assert runs("import onnxruntime, numpy, PIL").returncode == 0
    for module in ("torch", "app.core", "tokenizers"):
        failed = runs(f"import {module}")
        assert failed.returncode != 0 and "ModuleNotFoundError" in failed.stderr, module
    print(f"torch-free venv created in {torch_free.seconds:.1f} s")


@pytest.mark.parametrize("model", MODELS)
def test_bundle_gives_modeldesks_top1_on_every_test_sample(
        model: str, bundled, torch_free, tmp_path: Path) -> None:
    run = bundled(model)
    samples = test_results(run.catalog, run.run_id).samples
    predictor = Predictor.from_run(run.catalog, run.run_id)
    if predictor.kind == "image":
        items: list = [s.image_path for s in samples]
        args = [str(p) for p in items]
    else:  # half as UTF-8 files, half as --text, to cover both doors
        half = len(samples) // 2
        files = [tmp_path / f"{i:03}.txt" for i in range(half)]
        for path, sample in zip(files, samples[:half], strict=True):
            path.write_text(sample.text, encoding="utf-8")
        items = [*files, *(s.text for s in samples[half:])]
        args = [str(p) for p in files]
        for sample in samples[half:]:
            args += ["--text", sample.text]
    expected = predictor.probabilities(items)
    names = predictor.class_names

    done = run_predict(torch_free, run.folder, "--json", *args)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == len(samples) > 10
    assert all(set(row) == {"input", "class", "probability"} for row in rows)
    got = [row["class"] for row in rows]
    want = [names[int(np.argmax(p))] for p in expected]
    agree = sum(g == w for g, w in zip(got, want, strict=True))
    delta = max(abs(row["probability"] - max(p)) for row, p in zip(rows, expected, strict=True))
    print(f"{model}: {agree}/{len(samples)} top-1 agree, max |dp| of the top class {delta:.2e}")
    assert got == want
    assert delta < 1e-4
    assert [row["input"] for row in rows] == [str(a) for a in args if a != "--text"]

    plain = run_predict(torch_free, run.folder, *args)
    lines = plain.stdout.splitlines()
    assert plain.returncode == 0 and len(lines) == len(samples)
    fields = [line.split("\t") for line in lines]
    assert all(len(f) == 3 for f in fields)
    assert [f[1] for f in fields] == want
    assert all(abs(float(f[2]) - row["probability"]) <= 5e-5 for f, row in zip(fields, rows,
                                                                                   strict=True))


def test_bundle_runs_from_the_unzipped_archive(bundled, torch_free, tmp_path: Path) -> None:
    import zipfile

    run = bundled("bag_of_embeddings")
    with zipfile.ZipFile(run.zip_path) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / run.folder.name
    done = run_predict(torch_free, folder, "--text", "the oven and garlic", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text, label, probability = done.stdout.strip().split("\t")
    predictor = Predictor.from_run(run.catalog, run.run_id)
    top = predictor.predict(["the oven and garlic"], top_k=1)[0][0]
    assert (text, label) == ("the oven and garlic", top.class_name)
    assert abs(float(probability) - top.probability) < 1e-4
