"""Loading local weights files and freezing everything but the head."""

from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from app.core.errors import CheckpointError, ConfigError
from app.core.palette import count_parameters, freeze_backbone, get_spec, load_local_weights

LENET = get_spec("lenet5")
HEAD = ("classifier.bias", "classifier.weight")


def _lenet(classes: int = 10, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return LENET.build(classes, in_channels=1)


def _same(a: torch.nn.Module, b: torch.nn.Module, skip: tuple[str, ...] = ()) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return all(torch.equal(sa[k], sb[k]) for k in sa if k not in skip)


@pytest.mark.parametrize("suffix", [".safetensors", ".pt", ".bin"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    source, target = _lenet(seed=0), _lenet(seed=1)
    path = tmp_path / f"weights{suffix}"
    if suffix == ".safetensors":
        save_file(source.state_dict(), path)
    else:
        torch.save(source.state_dict(), path)
    report = load_local_weights(target, path)
    assert _same(source, target)
    assert report.loaded == tuple(sorted(source.state_dict()))
    assert report.skipped_shape_mismatch == report.missing == report.unexpected == ()


@pytest.mark.parametrize("key", ["model", "state_dict"])
def test_checkpoint_dicts_and_dataparallel_names(tmp_path: Path, key: str) -> None:
    source, target = _lenet(seed=0), _lenet(seed=1)
    state = {f"module.{k}": v for k, v in source.state_dict().items()}
    torch.save({key: state, "epoch": 3, "optimizer": {"lr": 0.1}}, tmp_path / "ckpt.pt")
    load_local_weights(target, str(tmp_path / "ckpt.pt"))
    assert _same(source, target)


def test_head_of_another_class_count_is_skipped_and_reported(tmp_path: Path) -> None:
    source, target = _lenet(classes=10, seed=0), _lenet(classes=3, seed=1)
    head_before = target.classifier.weight.detach().clone()
    state = source.state_dict() | {"extra.weight": torch.zeros(2)}
    save_file(state, tmp_path / "w.safetensors")
    report = load_local_weights(target, tmp_path / "w.safetensors")
    assert report.skipped_shape_mismatch == HEAD
    assert report.missing == ()
    assert report.unexpected == ("extra.weight",)
    assert len(report.loaded) == len(source.state_dict()) - 2
    assert _same(source, target, skip=HEAD)
    assert torch.equal(target.classifier.weight, head_before)
    assert "skipped 2 of another shape" in report.format_text()


def test_partial_file_reports_missing(tmp_path: Path) -> None:
    source, target = _lenet(seed=0), _lenet(seed=1)
    state = {k: v for k, v in source.state_dict().items() if k.startswith("features.")}
    torch.save(state, tmp_path / "backbone.pt")
    report = load_local_weights(target, tmp_path / "backbone.pt")
    assert set(report.missing) == {k for k in source.state_dict() if not k.startswith("features.")}


def test_torchvision_backbone_loads_into_a_new_head(tmp_path: Path) -> None:
    spec = get_spec("resnet18")
    source = spec.build(1000, image_size=224)  # an ImageNet-shaped file the user might have
    torch.save(source.state_dict(), tmp_path / "resnet18.pth")
    target = spec.build(5, image_size=224)
    report = load_local_weights(target, tmp_path / "resnet18.pth")
    assert report.skipped_shape_mismatch == ("fc.bias", "fc.weight")
    assert torch.equal(source.conv1.weight, target.conv1.weight)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a weights file at all", "cannot read weights file"),
        (None, "holds a list, not named tensors"),
        ({"a": 1, "b": "x"}, "holds no named tensors"),
        ({"unrelated.weight": torch.zeros(3)}, "no tensor in weights file"),
    ],
)
def test_unusable_files_raise_checkpoint_error(tmp_path: Path, content, message: str) -> None:
    path = tmp_path / "bad.pt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is None:
        torch.save([torch.zeros(2)], path)
    else:
        torch.save(content, path)
    with pytest.raises(CheckpointError, match=message) as caught:
        load_local_weights(_lenet(), path)
    assert str(path) in str(caught.value)
    assert "expect" in str(caught.value)  # says what a usable file looks like


def test_corrupt_safetensors_and_missing_file(tmp_path: Path) -> None:
    corrupt = tmp_path / "w.safetensors"
    corrupt.write_bytes(b"\x00" * 16)
    with pytest.raises(CheckpointError, match="cannot read weights file"):
        load_local_weights(_lenet(), corrupt)
    with pytest.raises(CheckpointError, match="does not exist"):
        load_local_weights(_lenet(), tmp_path / "nope.safetensors")


def test_freeze_backbone_leaves_only_the_head_trainable() -> None:
    model = _lenet()
    assert freeze_backbone(model, LENET) == 84 * 10 + 10
    assert count_parameters(model) == (61_706, 850)
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    assert trainable == set(HEAD)


@pytest.mark.parametrize(
    ("name", "head_size"),
    [
        ("resnet18", 512 * 4 + 4),
        ("mobilenet_v3_small", 576 * 1024 + 1024 + 1024 * 4 + 4),
        ("textcnn", 300 * 4 + 4),
    ],
)
def test_freeze_backbone_per_spec(name: str, head_size: int) -> None:
    spec = get_spec(name)
    model = spec.build(4, vocab_size=20)
    assert freeze_backbone(model, spec) == head_size == count_parameters(model)[1]


def test_freeze_backbone_with_the_wrong_spec() -> None:
    textcnn = get_spec("textcnn").build(2, vocab_size=20)
    with pytest.raises(ConfigError, match="no parameters under its head fc"):
        freeze_backbone(textcnn, get_spec("resnet18"))
