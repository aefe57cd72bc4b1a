"""RunConfig validation: every bad value names its key and what is expected."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.engine import RunConfig, config_fields
from app.core.errors import ConfigError

BASE = {"dataset": "data", "model": "lenet5"}


@pytest.mark.parametrize(("change", "expected"), [
    ({"lr": -0.1}, "'lr' must be greater than 0.0, got -0.1"),
    ({"lr": 0}, "'lr' must be greater than 0.0"),
    ({"lr": "fast"}, "'lr' must be a finite number"),
    ({"lr": float("nan")}, "'lr' must be a finite number"),
    ({"epochs": 0}, "'epochs' must be at least 1"),
    ({"epochs": 2.5}, "'epochs' must be a whole number"),
    ({"epochs": True}, "'epochs' must be a whole number"),
    ({"optimizer": "rmsprop"}, "'optimizer' must be one of adam, adamw, sgd; got 'rmsprop'"),
    ({"scheduler": "linear"}, "'scheduler' must be one of none, step, cosine"),
    ({"device": "gpu"}, "'device' must be auto, cpu, cuda, cuda:N or mps"),
    ({"freeze_backbone": "yes"}, "'freeze_backbone' must be true or false"),
    ({"model_options": 3}, "'model_options' must be a table"),
    ({"label_column": 1.5}, "'label_column' must be a column name or 0-based index"),
    ({"val_fraction": 0.6, "test_fraction": 0.4}, "val_fraction + test_fraction must be below 1"),
    ({"learning_rate": 0.1}, "unknown key 'learning_rate'; expected one of:"),
    ({"dataset": ""}, "'dataset' is required"),
])
def test_bad_values_are_refused_with_the_key_named(change, expected) -> None:
    with pytest.raises(ConfigError) as error:
        RunConfig.from_mapping({**BASE, **change}, where="exp.toml, experiment 1")
    assert str(error.value).startswith("exp.toml, experiment 1: ")
    assert expected in str(error.value)


def test_values_are_normalised() -> None:
    config = RunConfig.from_mapping({**BASE, "lr": 1, "optimizer": " AdamW ", "device": "CUDA:1",
                                     "image_size": "", "epochs": 3.0})
    assert config.lr == 1.0 and isinstance(config.lr, float)
    assert config.optimizer == "adamw"
    assert config.epochs == 3 and isinstance(config.epochs, int)
    assert config.image_size is None


def test_config_round_trips_through_its_dict() -> None:
    config = RunConfig.from_mapping({**BASE, "model_options": {"dropout": 0.1}, "seed": 7})
    assert RunConfig.from_mapping(config.to_dict()) == config


def test_every_field_has_help_and_a_group_for_the_gui_form() -> None:
    for f in config_fields():
        assert f.metadata["help"], f.name
        assert f.metadata["group"] in {"data", "model", "training", "run"}, f.name
        if f.default is not dataclasses.MISSING and f.metadata.get("choices"):
            assert f.default in f.metadata["choices"]


def test_readme_documents_every_key() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    missing = [f.name for f in config_fields() if f"`{f.name}`" not in readme]
    assert missing == []
