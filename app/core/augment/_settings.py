"""What augmentation a run uses: the strength preset, with the per-transform keys on top.

A preset is a row of the table below; each ``aug_*`` key that is set replaces one value of
it, so ``augment = off`` with ``aug_hflip = 0.5`` flips and does nothing else. Pure Python:
the form, planning and the catalog read these without loading torch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from app.core.config import TrainingConfig, run_param
from app.core.errors import ConfigError

AUGMENT_KEYS = ("augment", "aug_hflip", "aug_vflip", "aug_rotation", "aug_crop_scale",
                "aug_color")


@dataclass(frozen=True)
class AugmentSettings:
    """Resolved per-transform values; the defaults are "no augmentation".

    Attributes:
        hflip, vflip: Probability that an image is mirrored left-right / upside down.
        rotation: Largest rotation in degrees, drawn uniformly in [-rotation, rotation].
        crop_scale: Smallest share of the image area a random resized crop keeps (1 = none).
        color: Brightness, contrast and saturation factors drawn in [1 - color, 1 + color].
    """

    hflip: float = 0.0
    vflip: float = 0.0
    rotation: float = 0.0
    crop_scale: float = 1.0
    color: float = 0.0

    @property
    def active(self) -> bool:
        """True when any transform can change an image."""
        return self != AugmentSettings()

    @property
    def geometric(self) -> bool:
        """True when pixels move (flip, rotation or crop), i.e. an image is resampled."""
        return replace(self, color=0.0).active


PRESETS: dict[str, AugmentSettings] = {
    "off": AugmentSettings(),
    "light": AugmentSettings(hflip=0.5, rotation=10.0, crop_scale=0.9, color=0.1),
    "medium": AugmentSettings(hflip=0.5, rotation=15.0, crop_scale=0.75, color=0.2),
    "strong": AugmentSettings(hflip=0.5, rotation=30.0, crop_scale=0.5, color=0.4),
}
"""Vertical flips are in no preset: upside-down photos (or a 6 turned 9) change meaning for
much data, so they are opt-in through ``aug_vflip``."""


def resolve_settings(training: TrainingConfig) -> AugmentSettings:
    """The preset named by ``training.augment`` with every ``aug_*`` that is set on top."""
    return settings_from_values({key: getattr(training, key) for key in AUGMENT_KEYS})


def settings_from_values(values: Mapping[str, Any]) -> AugmentSettings:
    """The same from flat values (the form's); missing keys take the schema's defaults.

    Raises ``ConfigError`` naming the key when a value is invalid.
    """
    checked = {key: run_param(key).validate(values.get(key, run_param(key).default))
               for key in AUGMENT_KEYS}
    base = PRESETS[str(checked["augment"]).lower()]
    overrides = {f.name: checked[f"aug_{f.name}"] for f in fields(AugmentSettings)}
    return replace(base, **{k: float(v) for k, v in overrides.items() if v is not None})


def check_augmentation(training: TrainingConfig, kind: str, *, where: str = "") -> None:
    """Refuse augmentation for data that is not images (it would silently do nothing)."""
    settings = resolve_settings(training)
    if kind == "image" or not settings.active:
        return
    named = tuple(key for key in AUGMENT_KEYS
                  if (getattr(training, key) not in (None, "off")))
    prefix = f"{where}: " if where else ""
    raise ConfigError(
        f"{prefix}augmentation ({', '.join(named)}) works on images only, but this dataset "
        f"holds {kind} data; set augment = off and leave the aug_* settings empty",
        fields=named)
