"""Augmenting a training batch on the device it trains on, each image with its own draw.

Why this is written here rather than taken from torchvision: ``torchvision.transforms.v2``
applied to an ``N×C×H×W`` tensor draws one set of parameters for the whole batch (every
image flipped, or none; one angle for all), and calling it per image costs a Python round
trip per sample per transform. So the parameters are drawn per sample, the flip, rotation
and random resized crop are folded into one affine matrix per image, and one
``affine_grid``/``grid_sample`` call resamples the batch (one interpolation, not three);
the colour jitter is the same blend formulas as torchvision's ``adjust_brightness`` /
``adjust_contrast`` / ``adjust_saturation`` with a factor per image. Tests check each piece
against torchvision's functional transforms on single images.

Parameters are drawn on the CPU from a ``torch.Generator`` seeded from (run seed, epoch,
step, rank): the same seed reproduces a run bit for bit, a resumed run draws what the
uninterrupted one drew, CPU and CUDA runs get the same parameters, and the global RNG
(dropout, initial weights) is never consumed.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING

from app.core.augment._settings import AugmentSettings, resolve_settings
from app.core.config import TrainingConfig

if TYPE_CHECKING:
    import torch

GRAY_WEIGHTS = (0.2989, 0.587, 0.114)  # torchvision's rgb_to_grayscale
ASPECT_RANGE = (3 / 4, 4 / 3)  # torchvision's RandomResizedCrop default ratio
_DRAWS = 10  # random numbers per image: flips 2, angle 1, crop 4, colour 3


def draw_seed(seed: int, epoch: int, step: int, rank: int = 0) -> int:
    """A 63-bit seed for one step's draws, stable across Python and torch versions."""
    text = f"augment/{seed}/{epoch}/{step}/{rank}".encode("ascii")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little") >> 1


def augmenter_for(training: TrainingConfig, seed: int, inputs: torch.Tensor,
                  rank: int = 0) -> BatchAugmenter | None:
    """The augmenter a run's training batches go through, or ``None`` when augmentation is
    off or the stored inputs are not ``N×C×H×W`` images (token ids, cached features)."""
    settings = resolve_settings(training)
    if not settings.active or inputs.dim() != 4:
        return None
    return BatchAugmenter(settings, seed, rank)


class BatchAugmenter:
    """``augmenter(batch, epoch, step)``: uint8 (or float 0..255) ``N×C×H×W`` in, float32
    0..255 of the same shape out, on the batch's device; 1 or 3 channels."""

    def __init__(self, settings: AugmentSettings, seed: int, rank: int = 0) -> None:
        self.settings, self.seed, self.rank = settings, seed, rank

    def __call__(self, batch: torch.Tensor, epoch: int, step: int) -> torch.Tensor:
        import torch

        generator = torch.Generator().manual_seed(draw_seed(self.seed, epoch, step, self.rank))
        return augment_batch(batch, self.settings, generator)


def augment_batch(batch: torch.Tensor, settings: AugmentSettings,
                  generator: torch.Generator) -> torch.Tensor:
    """``batch`` augmented with per-image parameters drawn from ``generator`` (CPU)."""
    import torch

    # Drawn and turned into matrices on the CPU in float64 (MPS has no float64); only the
    # float32 results travel to the device.
    draws = torch.rand(batch.shape[0], _DRAWS, generator=generator, dtype=torch.float64)
    device = batch.device
    x = batch.float()
    s = settings
    if s.rotation > 0 or s.crop_scale < 1:
        x = _resample(x, _affine(draws, s).to(device))
    elif s.hflip > 0 or s.vflip > 0:  # flips alone move whole pixels: exact, no resampling
        x = torch.where((draws[:, 0] < s.hflip).view(-1, 1, 1, 1).to(device), x.flip(-1), x)
        x = torch.where((draws[:, 1] < s.vflip).view(-1, 1, 1, 1).to(device), x.flip(-2), x)
    if s.color > 0:
        factors = (1 - s.color + 2 * s.color * draws[:, 7:10]).float()
        x = _jitter(x, factors.to(device))
    return x


def _affine(draws: torch.Tensor, s: AugmentSettings) -> torch.Tensor:
    """``N×2×3`` matrices mapping output to input coordinates in [-1, 1]: flip, then rotate,
    then place inside the crop box. Square images, so normalised coordinates rotate true."""
    import torch

    n = draws.shape[0]
    flip_x = torch.where(draws[:, 0] < s.hflip, -1.0, 1.0).double()
    flip_y = torch.where(draws[:, 1] < s.vflip, -1.0, 1.0).double()
    angle = torch.deg2rad((2 * draws[:, 2] - 1) * s.rotation)
    area = s.crop_scale + (1 - s.crop_scale) * draws[:, 3]
    low, high = math.log(ASPECT_RANGE[0]), math.log(ASPECT_RANGE[1])
    ratio = torch.exp(low + (high - low) * draws[:, 4]) if s.crop_scale < 1 else 1.0
    # Box half-sizes as shares of the side; a box that would stick out is clamped to the
    # image (torchvision retries ten draws, then crops the centre).
    width = torch.sqrt(area * ratio).clamp(max=1.0)
    height = torch.sqrt(area / ratio).clamp(max=1.0)
    centre_x = (1 - width) * (2 * draws[:, 5] - 1)
    centre_y = (1 - height) * (2 * draws[:, 6] - 1)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.zeros(n, 2, 3, dtype=torch.float64)
    # input = crop · rotation · flip · output; a positive angle turns the picture
    # anticlockwise, as torchvision's rotate does.
    theta[:, 0, 0] = width * cos * flip_x
    theta[:, 0, 1] = -width * sin * flip_y
    theta[:, 1, 0] = height * sin * flip_x
    theta[:, 1, 1] = height * cos * flip_y
    theta[:, 0, 2] = centre_x
    theta[:, 1, 2] = centre_y
    return theta.float()


def _resample(x: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    import torch.nn.functional as F  # noqa: N812 - torch's own convention

    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def _gray(x: torch.Tensor) -> torch.Tensor:
    if x.shape[1] == 1:
        return x
    r, g, b = x[:, 0:1], x[:, 1:2], x[:, 2:3]
    return GRAY_WEIGHTS[0] * r + GRAY_WEIGHTS[1] * g + GRAY_WEIGHTS[2] * b


def _jitter(x: torch.Tensor, factors: torch.Tensor) -> torch.Tensor:
    """Brightness, contrast, then saturation (colour images only), each clamped to 0..255
    like torchvision's; a fixed order where ColorJitter shuffles it, so a draw is cheap."""
    brightness, contrast, saturation = (factors[:, i].view(-1, 1, 1, 1) for i in range(3))
    x = (x * brightness).clamp(0, 255)
    mean = _gray(x).mean(dim=(1, 2, 3), keepdim=True)
    x = (contrast * x + (1 - contrast) * mean).clamp(0, 255)
    if x.shape[1] == 3:
        x = (saturation * x + (1 - saturation) * _gray(x)).clamp(0, 255)
    return x
