"""The batch augmenter: each piece agrees with torchvision's functional transforms on single
images, every image gets its own draw, seeds reproduce, and the global RNG is left alone."""

from __future__ import annotations

import pytest
import torch
from aug_images import image_batch
from torchvision.transforms.v2 import functional as F  # noqa: N812

from app.core.augment import AugmentSettings, BatchAugmenter, augment_batch, augmenter_for
from app.core.augment import _batch as batch_module
from app.core.config import RunConfig

MEDIUM = AugmentSettings(hflip=0.5, rotation=15.0, crop_scale=0.75, color=0.2)


def _draws(**columns: float) -> torch.Tensor:
    """One image's ten uniform draws, 0.5 except the named columns."""
    names = ("hflip", "vflip", "angle", "area", "ratio", "x", "y", "bright", "contrast", "sat")
    draws = torch.full((1, 10), 0.5, dtype=torch.float64)
    for name, value in columns.items():
        draws[0, names.index(name)] = value
    return draws


def _warp(image: torch.Tensor, settings: AugmentSettings, draws: torch.Tensor) -> torch.Tensor:
    return batch_module._resample(image.float(), batch_module._affine(draws, settings))


def test_a_flip_is_torchvisions_flip_exactly() -> None:
    images, _ = image_batch(1)
    settings = AugmentSettings(hflip=1.0)
    out = augment_batch(images, settings, torch.Generator().manual_seed(0))
    assert torch.equal(out, F.horizontal_flip(images).float())
    vertical = augment_batch(images, AugmentSettings(vflip=1.0), torch.Generator())
    assert torch.equal(vertical, F.vertical_flip(images).float())
    # folded into the affine matrix (when pixels are resampled anyway) it is still the flip
    folded = _warp(images, AugmentSettings(hflip=1.0, rotation=1.0), _draws(hflip=0.0))
    assert (folded - F.horizontal_flip(images).float()).abs().max() < 1e-3


def test_rotation_turns_the_way_torchvision_does() -> None:
    images, _ = image_batch(1)
    quarter = _warp(images, AugmentSettings(rotation=90.0), _draws(angle=1.0))  # +90°
    assert torch.equal(quarter.round(), F.rotate(images, 90.0).float())
    small = _warp(images, AugmentSettings(rotation=20.0), _draws(angle=0.25))  # -10°
    reference = F.rotate(images, -10.0, interpolation=F.InterpolationMode.BILINEAR).float()
    inside = (slice(None), slice(None), slice(3, -3), slice(3, -3))  # corners fill differently
    assert (small - reference)[inside].abs().mean() < 2.0


def test_a_random_resized_crop_is_torchvisions_resized_crop() -> None:
    images, _ = image_batch(1)
    # area 0.25, square box at the top right: rows 0..8, columns 8..16 of a 16 px image
    crop = _warp(images, AugmentSettings(crop_scale=0.25), _draws(area=0.0, ratio=0.5, x=1.0,
                                                                  y=0.0))
    reference = F.resized_crop(images.float(), 0, 8, 8, 8, [16, 16], antialias=False)
    inner = (slice(None), slice(None), slice(1, -1), slice(1, -1))  # edges blend neighbours
    assert (crop - reference)[inner].abs().max() < 1e-3


@pytest.mark.parametrize("channels", [1, 3])
def test_colour_jitter_matches_torchvisions_adjustments(channels: int) -> None:
    images, _ = image_batch(1, channels)
    # factors 1.4 (brightness), 0.6 (contrast), 1.2 (saturation)
    draws = _draws(bright=1.0, contrast=0.0, sat=0.75)
    out = batch_module._jitter(images.float(), (1 - 0.4 + 0.8 * draws[:, 7:10]).float())
    reference = F.adjust_contrast(F.adjust_brightness(images.float() / 255, 1.4), 0.6)
    if channels == 3:
        reference = F.adjust_saturation(reference, 1.2)
    assert (out - reference * 255).abs().max() < 0.05


def test_every_image_gets_its_own_draw() -> None:
    one, _ = image_batch(1)
    batch = one.repeat(32, 1, 1, 1)
    flipped = augment_batch(batch, AugmentSettings(hflip=0.5), torch.Generator().manual_seed(3))
    is_flipped = [torch.equal(image, F.horizontal_flip(one[0]).float()) for image in flipped]
    assert 4 < sum(is_flipped) < 28  # some, not all: a batched v2 transform flips all or none
    out = augment_batch(batch, MEDIUM, torch.Generator().manual_seed(3))
    distinct = {tuple(image.flatten()[::37].tolist()) for image in out}
    assert len(distinct) == 32


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
def test_shapes_dtypes_and_range(channels: int, dtype: torch.dtype) -> None:
    images, _ = image_batch(8, channels)
    out = augment_batch(images.to(dtype), AugmentSettings(hflip=0.5, vflip=0.5, rotation=30,
                                                          crop_scale=0.5, color=0.5),
                        torch.Generator().manual_seed(1))
    assert out.shape == images.shape and out.dtype == torch.float32
    assert out.min() >= 0 and out.max() <= 255


def test_same_seed_epoch_and_step_reproduce_and_others_differ() -> None:
    images, _ = image_batch(8)
    augmenter = BatchAugmenter(MEDIUM, seed=7)
    first = augmenter(images, 1, 1)
    assert torch.equal(first, BatchAugmenter(MEDIUM, seed=7)(images, 1, 1))
    for other in (augmenter(images, 1, 2), augmenter(images, 2, 1),
                  BatchAugmenter(MEDIUM, seed=8)(images, 1, 1),
                  BatchAugmenter(MEDIUM, seed=7, rank=1)(images, 1, 1)):
        assert not torch.equal(first, other)


def test_the_global_rng_is_not_consumed() -> None:
    images, _ = image_batch(8)
    torch.manual_seed(5)
    before = torch.get_rng_state()
    BatchAugmenter(MEDIUM, seed=1)(images, 1, 1)
    assert torch.equal(torch.get_rng_state(), before)


def test_no_augmenter_when_off_or_the_inputs_are_not_images() -> None:
    images, _ = image_batch(4)
    off = RunConfig.from_mapping({"dataset": "d", "model": "small_cnn"}).training
    medium = RunConfig.from_mapping({"dataset": "d", "model": "small_cnn",
                                     "augment": "medium"}).training
    assert augmenter_for(off, 0, images) is None
    assert augmenter_for(medium, 0, torch.zeros(4, 12, dtype=torch.long)) is None  # token ids
    assert augmenter_for(medium, 0, torch.zeros(4, 576)) is None  # cached backbone features
    assert isinstance(augmenter_for(medium, 0, images), BatchAugmenter)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_on_cuda_the_batch_stays_there_and_matches_the_cpu() -> None:
    images, _ = image_batch(16)
    cpu = BatchAugmenter(MEDIUM, seed=2)(images, 3, 4)
    cuda = BatchAugmenter(MEDIUM, seed=2)(images.cuda(), 3, 4)
    assert cuda.device.type == "cuda"
    assert (cuda.cpu() - cpu).abs().max() < 0.01  # the same draws; float rounding only
