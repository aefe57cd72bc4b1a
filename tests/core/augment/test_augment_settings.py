"""Resolving a run's augmentation (preset + overrides) and refusing it for text data."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_image_folder, write_text_table

from app.core.augment import PRESETS, AugmentSettings, resolve_settings
from app.core.config import RunConfig
from app.core.errors import ConfigError
from app.core.runs import make_config, plan_run


def _training(**values: object):
    return RunConfig.from_mapping({"dataset": "d", "model": "small_cnn", **values}).training


def test_presets_grow_stronger() -> None:
    light, medium, strong = PRESETS["light"], PRESETS["medium"], PRESETS["strong"]
    assert not PRESETS["off"].active
    assert light.rotation < medium.rotation < strong.rotation
    assert light.crop_scale > medium.crop_scale > strong.crop_scale
    assert light.color < medium.color < strong.color
    assert resolve_settings(_training(augment="Medium")) == medium


def test_overrides_replace_single_values_of_the_preset() -> None:
    settings = resolve_settings(_training(augment="light", aug_rotation=45, aug_vflip=0.3))
    assert settings == AugmentSettings(hflip=0.5, vflip=0.3, rotation=45.0, crop_scale=0.9,
                                       color=0.1)
    neutral = resolve_settings(_training(augment="strong", aug_hflip=0, aug_rotation=0,
                                         aug_crop_scale=1, aug_color=0))
    assert not neutral.active


def test_off_with_one_override_turns_on_that_transform_only() -> None:
    settings = resolve_settings(_training(aug_hflip=0.5))
    assert settings == AugmentSettings(hflip=0.5)
    assert settings.geometric and not AugmentSettings(color=0.3).geometric


def test_text_data_with_augmentation_is_refused_at_planning(tmp_path: Path) -> None:
    table = write_text_table(tmp_path / "texts.csv")
    with pytest.raises(ConfigError) as refused:
        plan_run(make_config({"dataset": str(table), "model": "bag_of_embeddings",
                              "augment": "light", "aug_color": 0.2}), where="exp.toml [a]")
    message = str(refused.value)
    assert message.startswith("exp.toml [a]: augmentation (augment, aug_color)")
    assert "images only" in message and "text data" in message
    assert refused.value.fields == ("augment", "aug_color")
    plan_run(make_config({"dataset": str(table), "model": "bag_of_embeddings"}))  # off: fine


def test_image_data_with_augmentation_plans(tmp_path: Path) -> None:
    folder = write_image_folder(tmp_path / "images")
    planned = plan_run(make_config({"dataset": str(folder), "model": "small_cnn",
                                    "augment": "strong"}))
    assert planned.config.training.augment == "strong"
