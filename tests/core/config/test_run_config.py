"""RunConfig: sections, validation naming the key (and field), storage with a version."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.config import (
    CONFIG_VERSION,
    SECTIONS,
    RunConfig,
    params,
    run_param,
    run_params,
    upgrade_config,
)
from app.core.errors import ConfigError

BASE = {"dataset": "data", "model": "lenet5"}


@pytest.mark.parametrize(("change", "expected", "fields"), [
    ({"lr": -0.1}, "'lr' must be greater than 0 and at most 10, got -0.1", ("lr",)),
    ({"lr": 0}, "'lr' must be greater than 0", ("lr",)),
    ({"lr": "fast"}, "'lr' must be a finite number", ("lr",)),
    ({"lr": float("nan")}, "'lr' must be a finite number", ("lr",)),
    ({"epochs": 0}, "'epochs' must be between 1 and 100000, got 0", ("epochs",)),
    ({"epochs": 2.5}, "'epochs' must be a whole number", ("epochs",)),
    ({"epochs": True}, "'epochs' must be a whole number", ("epochs",)),
    ({"optimizer": "rmsprop"}, "'optimizer' must be one of 'adam', 'adamw', 'sgd', got "
                               "'rmsprop'", ("optimizer",)),
    ({"scheduler": "linear"}, "'scheduler' must be one of 'none', 'step', 'cosine'",
     ("scheduler",)),
    ({"device": "gpu"}, "'device' must be auto, cpu, cuda, cuda:N or mps", ("device",)),
    ({"freeze_backbone": "yes"}, "'freeze_backbone' must be true or false",
     ("freeze_backbone",)),
    ({"train_layers": "middle"}, "'train_layers' must be one of 'auto', 'head'",
     ("train_layers",)),
    ({"init_from": "run 4"}, "'init_from' must be pretrained, scratch, a run id or a run uid",
     ("init_from",)),
    ({"augment": "wild"}, "'augment' must be one of 'off', 'light'", ("augment",)),
    ({"aug_crop_scale": 0.0}, "'aug_crop_scale' must be between 0.05 and 1", ("aug_crop_scale",)),
    ({"model_options": 3}, "'model_options' must be a table", ("model_options",)),
    ({"label_column": 1.5}, "'label_column' must be a column name or 0-based index",
     ("label_column",)),
    ({"val_fraction": 0.6, "test_fraction": 0.4}, "val_fraction + test_fraction must be below 1",
     ("val_fraction", "test_fraction")),
    ({"learning_rate": 0.1}, "unknown key 'learning_rate'; expected one of:", ("learning_rate",)),
    ({"epoch": 3}, "unknown key 'epoch' (did you mean 'epochs'?)", ("epoch",)),
    ({"dataset": ""}, "'dataset' is required", ("dataset",)),
])
def test_bad_values_are_refused_with_the_key_named(change, expected, fields) -> None:
    with pytest.raises(ConfigError) as error:
        RunConfig.from_mapping({**BASE, **change}, where="exp.toml, experiment 1")
    assert str(error.value).startswith("exp.toml, experiment 1: ")
    assert expected in str(error.value)
    assert error.value.fields == fields


def test_values_are_normalised_into_sections() -> None:
    config = RunConfig.from_mapping({**BASE, "lr": 1, "optimizer": " AdamW ", "device": "CUDA:1",
                                     "image_size": "", "epochs": 3.0, "name": "x"})
    assert config.training.lr == 1.0 and isinstance(config.training.lr, float)
    assert config.training.optimizer == "adamw"
    assert config.training.epochs == 3 and isinstance(config.training.epochs, int)
    assert config.runtime.device == "cuda:1" and config.name == "x"
    assert config.data.image_size is None and config.data.dataset == "data"
    assert config.model.architecture == "lenet5" and config.model.options == {}


def test_config_round_trips_through_its_stored_dict() -> None:
    config = RunConfig.from_mapping({**BASE, "model_options": {"dropout": 0.1}, "seed": 7})
    stored = config.to_dict()
    assert stored["config_version"] == CONFIG_VERSION and stored["model"] == "lenet5"
    assert RunConfig.from_stored(stored) == config
    assert config.replace(lr=0.5).training.lr == 0.5


def test_flat_keys_are_unique_across_sections_and_every_param_documents_itself() -> None:
    names = [p.name for p in run_params()]
    assert len(names) == len(set(names))
    assert {section.SECTION for section in SECTIONS} == {"data", "model", "training", "runtime"}
    for section in SECTIONS:
        for param in params(section):
            assert param.help and param.group == section.SECTION, param.name
            if param.choices:
                assert param.default in param.choices
    assert run_param("lr").log and not run_param("epochs").log
    with pytest.raises(ConfigError, match="unknown key"):
        run_param("nope")


def test_stored_configs_of_every_version_upgrade_to_todays() -> None:
    first_layout = {"dataset": "d.csv", "model": "textcnn", "epochs": 3, "lr": 0.01,
                    "model_options": {}, "seed": 0}  # ModelDesk up to d2263c9: no version
    assert upgrade_config(first_layout) == first_layout
    config = RunConfig.from_stored(first_layout)
    assert config.training.epochs == 3 and config.to_dict()["config_version"] == CONFIG_VERSION
    with pytest.raises(ConfigError, match="written by a newer ModelDesk"):
        RunConfig.from_stored({**first_layout, "config_version": CONFIG_VERSION + 1},
                              where="run 4")
    with pytest.raises(ConfigError, match="invalid config_version"):
        upgrade_config({"config_version": "two"})


def test_freeze_backbone_reads_as_train_layers() -> None:
    base = {"dataset": "d", "model": "m"}
    assert RunConfig.from_mapping({**base, "freeze_backbone": True}).model.train_layers == "head"
    assert RunConfig.from_mapping({**base, "freeze_backbone": False}).model.train_layers == "all"
    stored = {**base, "freeze_backbone": True, "config_version": 2}
    config = RunConfig.from_stored(stored)
    assert config.model.train_layers == "head" and "freeze_backbone" not in config.to_dict()


def test_readme_documents_every_key() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in run_params() if f"`{p.name}`" not in readme]
    assert missing == []
