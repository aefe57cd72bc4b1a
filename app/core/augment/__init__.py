"""Image augmentation for training batches, and its preview.

Settings resolve from a run's training section (a preset with per-transform overrides);
``augmenter_for`` gives the loop a batch augmenter that works on the training device with
its own seeded generator; ``preview_images`` shows the effect on a dataset. No Qt; torch is
imported inside the functions that need it.
"""

from app.core.augment._batch import BatchAugmenter, augment_batch, augmenter_for, draw_seed
from app.core.augment._preview import (
    PREVIEW_COUNT,
    PREVIEW_SIZE,
    Preview,
    preview_images,
    preview_indices,
)
from app.core.augment._settings import (
    AUGMENT_KEYS,
    PRESETS,
    AugmentSettings,
    check_augmentation,
    resolve_settings,
    settings_from_values,
)

__all__ = [
    "AUGMENT_KEYS",
    "PRESETS",
    "PREVIEW_COUNT",
    "PREVIEW_SIZE",
    "AugmentSettings",
    "BatchAugmenter",
    "Preview",
    "augment_batch",
    "augmenter_for",
    "check_augmentation",
    "draw_seed",
    "preview_images",
    "preview_indices",
    "resolve_settings",
    "settings_from_values",
]
