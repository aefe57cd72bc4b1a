"""The three training modes of a pretrained entry, with real tiny trainings.

head: only the new head changes, on cached features, and gives the same head as running the
frozen backbone every epoch; last_blocks: the last blocks and the head change, the stem does
not; all: everything changes. Starting from packaged weights loads every backbone tensor.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch
from pretrained_helpers import needs_minilm, planned

from app.core.catalog import Catalog
from app.core.engine import Callback, Notice, Trainer
from app.core.runs import execute
from app.core.runs._execute import build_for
from app.core.runs._features import clear_feature_memory

STEM = {"efficientnet_lite0": "backbone.net._conv_stem.weight",
        "minilm": "backbone.encoder.embeddings.word_embeddings.weight"}
LAST_BLOCK = {"efficientnet_lite0": "backbone.net._blocks.15._project_conv.weight",
              "minilm": "backbone.encoder.encoder.layer.5.output.dense.weight"}
FIRST_BLOCK = {"efficientnet_lite0": "backbone.net._blocks.0._depthwise_conv.weight",
               "minilm": "backbone.encoder.encoder.layer.0.output.dense.weight"}


def _changed(before: dict[str, torch.Tensor], model: torch.nn.Module) -> set[str]:
    after = model.state_dict()
    return {name for name, value in before.items()
            if value.is_floating_point() and not torch.equal(value, after[name])}


def _dataset(request: pytest.FixtureRequest, model: str) -> Path:
    return request.getfixturevalue("images" if model == "efficientnet_lite0" else "texts")


MODELS = ["efficientnet_lite0", pytest.param("minilm", marks=needs_minilm)]


@pytest.mark.parametrize("model", MODELS)
def test_packaged_weights_load_and_only_the_head_trains_by_default(
        model: str, request: pytest.FixtureRequest, catalog: Catalog) -> None:
    plan = planned(_dataset(request, model), model)
    _, _, built = build_for(plan)
    scratch = plan.spec.build(2, in_channels=3, image_size=32, vocab_size=30522)
    # the packaged weights replaced the random initialisation of the backbone
    assert not torch.equal(built.state_dict()[STEM[model]], scratch.state_dict()[STEM[model]])
    trainable = {n for n, p in built.named_parameters() if p.requires_grad}
    assert trainable == {"head.1.weight", "head.1.bias"}

    outcome = execute(plan, catalog)

    assert outcome.status == "completed"
    config = catalog.get_run(outcome.run_id).run.config
    assert (config["init_from"], config["train_layers"]) == (None, "auto")


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("mode", ["head", "last_blocks", "all"])
def test_each_mode_trains_what_it_says(model: str, mode: str,
                                       request: pytest.FixtureRequest) -> None:
    plan = planned(_dataset(request, model), model, train_layers=mode, trainable_blocks=1,
                   epochs=1)
    data, _, built = build_for(plan)
    before = {k: v.clone() for k, v in built.state_dict().items()}
    config = plan.config
    Trainer(config.training, config.runtime, data, built).fit()

    changed = _changed(before, built)
    assert "head.1.weight" in changed
    assert (STEM[model] in changed) == (mode == "all")
    assert (LAST_BLOCK[model] in changed) == (mode != "head")
    assert (FIRST_BLOCK[model] in changed) == (mode == "all")


def test_cached_features_train_the_same_head_as_running_the_backbone(
        images: Path, catalog: Catalog) -> None:
    """Frozen parts stay in eval mode, so the cache holds exactly what the backbone would
    compute every epoch: the two heads agree (float rounding aside)."""
    from app.core.runs._features import with_cached_features

    clear_feature_memory()
    plan = planned(images, "efficientnet_lite0", epochs=3)
    config = plan.config
    heads = []
    for cached in (False, True):
        data, _, model = build_for(plan)
        if cached:
            data = with_cached_features(data, model, torch.device("cpu"),
                                        plan.dataset.fingerprint, None).data
            assert data.features and data.train.inputs.shape[1] == 1280
        runtime = dataclasses.replace(config.runtime, seed=config.seed)
        result = Trainer(config.training, runtime, data, model).fit()
        assert result.status == "completed"
        heads.append({k: v.clone() for k, v in model.head.state_dict().items()})
    for name in heads[0]:
        torch.testing.assert_close(heads[0][name], heads[1][name], rtol=1e-4, atol=1e-5)


def test_features_are_computed_once_then_read_from_beside_the_catalog(
        images: Path, catalog: Catalog) -> None:
    clear_feature_memory()
    notices: list[str] = []

    class Listen(Callback):
        def on_notice(self, notice: Notice) -> None:
            notices.append(notice.text)

    first = execute(planned(images, "efficientnet_lite0"), catalog, callbacks=(Listen(),))
    clear_feature_memory()  # a new process: only the file remains
    second = execute(planned(images, "efficientnet_lite0", seed=4), catalog,
                     callbacks=(Listen(),))

    assert (first.status, second.status) == ("completed", "completed")
    feature_notes = [n for n in notices if n.startswith("frozen backbone")]
    assert "computed in" in feature_notes[0] and "read from" in feature_notes[1]
    files = list((catalog.path.parent / "cache").glob("features-*.safetensors"))
    assert len(files) == 1 and not list(files[0].parent.glob("*.tmp"))


def test_a_changed_backbone_never_reuses_features(images: Path) -> None:
    from app.core.runs._features import with_cached_features

    clear_feature_memory()
    plan = planned(images, "efficientnet_lite0")
    data, _, model = build_for(plan)
    first = with_cached_features(data, model, torch.device("cpu"), "k", None)
    with torch.no_grad():
        model.backbone.net._conv_stem.weight.mul_(0.5)
    second = with_cached_features(data, model, torch.device("cpu"), "k", None)
    assert (first.source, second.source) == ("computed", "computed")
    assert not torch.equal(first.data.train.inputs, second.data.train.inputs)


def test_augmentation_runs_the_frozen_backbone_every_epoch(images: Path,
                                                           catalog: Catalog) -> None:
    """Augmented inputs differ every epoch, so no features are cached for them."""
    notices: list[str] = []

    class Listen(Callback):
        def on_notice(self, notice: Notice) -> None:
            notices.append(notice.text)

    outcome = execute(planned(images, "efficientnet_lite0", augment="light"), catalog,
                      callbacks=(Listen(),))
    assert outcome.status == "completed"
    assert not [n for n in notices if n.startswith("frozen backbone")]


def test_memory_mapped_images_give_the_same_features(images: Path, tmp_path: Path) -> None:
    """Over the memory budget the decoded images are mapped from a file; the features (and so
    the cached-head training) are the same as from images in memory."""
    from app.core.datasets import DecodedCache, clear_image_cache
    from app.core.runs._features import with_cached_features

    plan = planned(images, "efficientnet_lite0")
    in_memory, _, model = build_for(plan)
    clear_image_cache()  # else the decoded tensor of this process is reused
    mapped, _, _ = build_for(plan, decoded_cache=DecodedCache(tmp_path / "cache",
                                                              budget_bytes=0))
    assert "memory-mapped" in mapped.storage
    features = []
    for data in (in_memory, mapped):
        clear_feature_memory()
        features.append(with_cached_features(data, model, torch.device("cpu"), "k", None).data)
    assert torch.equal(features[0].train.inputs, features[1].train.inputs)
