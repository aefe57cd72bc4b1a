"""Image architectures build for any class count and channel count, run forward and learn."""

import pytest
import torch
from torch import nn

from app.core.palette import ArchitectureSpec, get_spec, list_specs

IMAGE_SPECS = list_specs("image")
# A size other than the default for each spec, chosen to exercise its size handling.
OTHER_SIZES = {"mlp": 20, "lenet5": 16, "small_cnn": 48, "resnet18": 96, "mobilenet_v3_small": 40,
               "efficientnet_lite0": 96}


def _forward(model: nn.Module, channels: int, size: int, batch: int = 2) -> torch.Tensor:
    model.train()  # BatchNorm in train mode is the stricter case (needs batch statistics)
    return model(torch.randn(batch, channels, size, size))


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("classes", [2, 10])
@pytest.mark.parametrize("spec", IMAGE_SPECS, ids=lambda s: s.name)
def test_builds_and_runs_at_default_size(
    spec: ArchitectureSpec, classes: int, channels: int
) -> None:
    model = spec.build(classes, in_channels=channels)
    with torch.no_grad():
        out = _forward(model, channels, spec.input_size)
    assert out.shape == (2, classes)
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("spec", IMAGE_SPECS, ids=lambda s: s.name)
def test_builds_and_runs_at_another_size(spec: ArchitectureSpec, channels: int) -> None:
    size = OTHER_SIZES[spec.name]
    model = spec.build(10, in_channels=channels, image_size=size)
    with torch.no_grad():
        assert _forward(model, channels, size).shape == (2, 10)


@pytest.mark.parametrize("spec", IMAGE_SPECS, ids=lambda s: s.name)
def test_one_training_step_updates_every_layer(spec: ArchitectureSpec) -> None:
    torch.manual_seed(0)
    size = spec.min_input_size * 2
    model = spec.build(3, in_channels=3, image_size=size)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    logits = _forward(model, 3, size, batch=4)
    nn.functional.cross_entropy(logits, torch.tensor([0, 1, 2, 0])).backward()
    grads = [p.grad for p in model.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    changed = {name for name, p in model.named_parameters() if not torch.equal(p, before[name])}
    assert any(name.startswith(spec.head[0] + ".") for name in changed)
    assert len(changed) > len(before) // 2


def test_lenet5_has_the_classic_parameter_count() -> None:
    # conv 1→6 (156) + conv 6→16 (2,416) + fc 400→120 (48,120) + 120→84 (10,164) + 84→10 (850)
    model = get_spec("lenet5").build(10, in_channels=1)
    assert sum(p.numel() for p in model.parameters()) == 61_706
    # Any side ≥ 16 keeps the count: the adaptive pool fixes the map at 5×5.
    bigger = get_spec("lenet5").build(10, in_channels=1, image_size=64)
    assert sum(p.numel() for p in bigger.parameters()) == 61_706


def test_mlp_hidden_sizes_option() -> None:
    model = get_spec("mlp").build(4, in_channels=1, image_size=8, hidden_sizes=[32])
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(64, 32), (32, 4)]


def test_small_cnn_width_option() -> None:
    model = get_spec("small_cnn").build(5, width=8)
    assert model.classifier.in_features == 32


@pytest.mark.parametrize(
    ("size", "stem", "kernel", "pooled"),
    [
        (32, "auto", 3, False),
        (64, "auto", 3, False),
        (96, "auto", 7, True),
        (32, "imagenet", 7, True),
        (128, "cifar", 3, False),
    ],
)
def test_resnet18_stem_follows_image_size(size: int, stem: str, kernel: int, pooled: bool) -> None:
    model = get_spec("resnet18").build(10, in_channels=1, image_size=size, stem=stem)
    assert model.conv1.kernel_size == (kernel, kernel)
    assert model.conv1.in_channels == 1
    assert isinstance(model.maxpool, nn.MaxPool2d) == pooled
    assert model.fc.out_features == 10


def test_mobilenet_adapts_first_conv_and_head() -> None:
    model = get_spec("mobilenet_v3_small").build(7, in_channels=1, dropout=0.0)
    assert model.features[0][0].in_channels == 1
    assert model.classifier[-1].out_features == 7
