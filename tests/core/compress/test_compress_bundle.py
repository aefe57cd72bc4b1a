"""A compressed version handed out as it was measured: its own metadata (no parity claim
borrowed from the float model), a bundle of exactly that file whose predict.py agrees with
it on every test sample without torch, and the registry's production version bundled by
``main.py --export NAME@production --format bundle``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest

from app.cli import main
from app.core.analysis import test_results
from app.core.catalog import Catalog
from app.core.compress import compress_run
from app.core.export import METADATA_KEY, ExportError, bundle_export, export_run, raw_inputs
from app.core.models import read_bundle
from tests.core.compress.compress_runs import TrainedRun
from tests.core.export.standalone.standalone_helpers import run_predict


def _own_copy(run: TrainedRun, folder: Path) -> TrainedRun:
    """A private copy of a session run's catalog and run folders: the other compression tests
    expect the session catalogs to hold no exports they did not make."""
    copied = shutil.copytree(run.catalog.path.parent, folder / "catalog")
    return TrainedRun(Catalog(Path(copied) / run.catalog.path.name), run.run_id)


@pytest.fixture(scope="module")
def own_cnn(cnn_run: TrainedRun, tmp_path_factory: pytest.TempPathFactory) -> TrainedRun:
    return _own_copy(cnn_run, tmp_path_factory.mktemp("own-cnn"))


@pytest.fixture(scope="module")
def int8_cnn(own_cnn: TrainedRun, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    export_run(own_cnn.catalog, own_cnn.run_id, "onnx", tmp_path_factory.mktemp("float"))
    return compress_run(own_cnn.catalog, own_cnn.run_id, "int8_static", rounds=3,
                        out_dir=tmp_path_factory.mktemp("int8"))


def _embedded(path: Path) -> dict:
    model = onnx.load(str(path), load_external_data=False)
    return json.loads({p.key: p.value for p in model.metadata_props}[METADATA_KEY])


def test_a_compressed_file_describes_itself_not_its_float_source(int8_cnn) -> None:  # noqa: ANN001
    beside = json.loads(int8_cnn.path.with_name("model.json").read_text(encoding="utf-8"))
    for metadata in (beside, _embedded(int8_cnn.path)):
        assert "parity" not in metadata  # the float model's check says nothing about int8
        compression = metadata["compression"]
        assert compression["method"] == "int8_static"
        assert compression["accuracy"] == int8_cnn.details["compressed"]["accuracy"]
        assert compression["top1_agreement"] == int8_cnn.details["deltas"]["top1_agreement"]


def test_a_bundle_of_the_int8_file_predicts_what_that_file_does_without_torch(
        own_cnn: TrainedRun, int8_cnn, torch_free, tmp_path: Path) -> None:  # noqa: ANN001
    record = bundle_export(own_cnn.catalog, int8_cnn.id, tmp_path / "out")

    assert (record.kind, record.source_export_id, record.status) == \
        ("bundle", int8_cnn.id, int8_cnn.status)
    folder = Path(record.details["folder"])
    assert folder.name.endswith("_int8_static_bundle") and record.path.is_file()
    assert (folder / "model.onnx").read_bytes() == int8_cnn.path.read_bytes()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "A compressed version (`int8_static`)" in readme and "Checked against" not in readme

    samples = test_results(own_cnn.catalog, own_cnn.run_id).samples
    images = [str(s.image_path) for s in samples]
    done = run_predict(torch_free, folder, "--json", *images)
    assert done.returncode == 0, done.stderr
    printed = [row["class"] for row in json.loads(done.stdout)]
    bundle = read_bundle(own_cnn.catalog.get_run_record(own_cnn.run_id).run_dir)
    session = onnxruntime.InferenceSession(str(int8_cnn.path),
                                           providers=["CPUExecutionProvider"])
    direct = session.run(["probabilities"], {"pixels": raw_inputs(bundle.preprocessing,
                                                                  images)})[0]
    expected = [bundle.class_names[i] for i in np.argmax(direct, axis=1)]
    assert len(printed) == len(samples) > 0 and printed == expected


def test_the_production_version_is_bundled_by_name(own_cnn: TrainedRun, int8_cnn,  # noqa: ANN001
                                                   tmp_path: Path, capsys) -> None:  # noqa: ANN001
    catalog = own_cnn.catalog
    version = catalog.register_model_version("shapes-int8", own_cnn.run_id,
                                             export_id=int8_cnn.id, note="smallest")
    catalog.set_alias("shapes-int8", "production", version.version, note="ship it")
    arguments = ["--catalog", str(catalog.path), "--out", str(tmp_path / "prod")]

    code = main(["--export", "shapes-int8@production", "--format", "bundle", *arguments])

    out = capsys.readouterr().out
    assert code == 0, out
    assert f"bundling shapes-int8 v{version.version}: the int8_static file {int8_cnn.id}" in out
    [zipped] = (tmp_path / "prod").glob("*_int8_static_bundle.zip")
    assert catalog.list_exports(source_export_id=int8_cnn.id)[-1].path == zipped

    before = catalog.list_exports()
    assert main(["--export", "shapes-int8@production", "--format", "onnx", *arguments]) == 2
    err = capsys.readouterr().err
    assert "use --format bundle to package that file" in err and "Traceback" not in err
    assert catalog.list_exports() == before


def test_a_file_changed_since_it_was_recorded_is_not_bundled(
        text_run: TrainedRun, tmp_path: Path) -> None:
    text_run = _own_copy(text_run, tmp_path)
    export_run(text_run.catalog, text_run.run_id, "onnx", tmp_path / "float")
    row = compress_run(text_run.catalog, text_run.run_id, "int8_dynamic", rounds=3,
                       out_dir=tmp_path / "int8")
    with row.path.open("ab") as stream:
        stream.write(b"\0")
    before = text_run.catalog.list_exports()

    with pytest.raises(ExportError, match="changed since it was recorded"):
        bundle_export(text_run.catalog, row.id, tmp_path / "out")

    assert text_run.catalog.list_exports() == before and not (tmp_path / "out").exists()
