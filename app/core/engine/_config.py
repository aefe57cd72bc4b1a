"""The run configuration: one frozen record with a schema the GUI builds its form from.

Every field carries its help text and bounds in ``metadata`` so batch mode, the GUI form and
the catalog's parameter diff all read the same definition. ``RunConfig.from_mapping`` is the
one door user input comes through: it names the offending key and what it expects.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import ConfigError

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULERS = ("none", "step", "cosine", "onecycle", "plateau")
MONITORS = ("val_loss", "val_accuracy")
_DEVICE = re.compile(r"auto|cpu|mps|cuda(:\d+)?")


def _f(default: Any, help: str, **rules: Any) -> Any:
    """A dataclass field whose metadata is the schema entry (help text plus rules)."""
    if isinstance(default, dict):
        return field(default_factory=dict, metadata={"help": help, **rules})
    return field(default=default, metadata={"help": help, **rules})


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines one training run; stored whole with the run in the catalog."""

    dataset: str = _f("", "Dataset folder or CSV/TSV file", group="data", required=True)
    model: str = _f("", "Architecture name from the palette", group="model", required=True)
    name: str = _f("", "Run name shown in the catalog", group="run")
    text_column: str | int | None = _f(None, "Text column (name or 0-based index)", group="data")
    label_column: str | int | None = _f(None, "Label column (name or 0-based index)", group="data")
    delimiter: str | None = _f(None, "Column delimiter (auto-detected when empty)", group="data")
    has_header: bool | None = _f(None, "Whether the table has a header row (auto)", group="data")
    val_fraction: float = _f(0.1, "Share of samples held out for validation", min=0.0, max=0.9,
                             group="data")
    test_fraction: float = _f(0.2, "Share of samples held out for the final test", min=0.0,
                              max=0.9, group="data")
    image_size: int | None = _f(None, "Image side in pixels (model default when empty)", min=8,
                                max=1024, group="data")
    max_length: int | None = _f(None, "Tokens kept per text (model default when empty)", min=1,
                                max=4096, group="data")
    min_freq: int = _f(1, "Minimum token count to enter the vocabulary", min=1, max=1000,
                       group="data")
    max_vocab: int = _f(20000, "Largest vocabulary size", min=10, max=1_000_000, group="data")
    model_options: dict[str, Any] = _f({}, "Architecture hyperparameters", group="model")
    weights: str | None = _f(None, "Local weights file to start from (.safetensors or .pt)",
                             group="model")
    freeze_backbone: bool = _f(False, "Train only the classifier head", group="model")
    epochs: int = _f(10, "Passes over the training data", min=1, max=100_000, group="training")
    batch_size: int = _f(64, "Samples per step", min=1, max=65_536, group="training")
    optimizer: str = _f("adam", "Optimiser", choices=OPTIMIZERS, group="training")
    lr: float = _f(1e-3, "Learning rate", min=0.0, max=10.0, exclusive_min=True,
                   group="training")
    momentum: float = _f(0.9, "SGD momentum", min=0.0, max=0.999, group="training")
    weight_decay: float = _f(0.0, "Weight decay (L2)", min=0.0, max=1.0, group="training")
    scheduler: str = _f("none", "Learning-rate schedule", choices=SCHEDULERS, group="training")
    step_size: int = _f(10, "Epochs between decays (step) or patience (plateau)", min=1,
                        max=10_000, group="training")
    gamma: float = _f(0.1, "Decay factor for step and plateau schedules", min=0.0, max=1.0,
                      exclusive_min=True, group="training")
    label_smoothing: float = _f(0.0, "Label smoothing", min=0.0, max=0.99, group="training")
    grad_clip: float = _f(0.0, "Clip gradient norm to this value (0 = off)", min=0.0,
                          max=1e6, group="training")
    early_stopping_patience: int = _f(0, "Stop after this many epochs without improvement "
                                      "(0 = off)", min=0, max=10_000, group="training")
    monitor: str = _f("val_loss", "Validation metric that picks the best epoch",
                      choices=MONITORS, group="training")
    restore_best: bool = _f(True, "Test with the best epoch's weights", group="training")
    seed: int = _f(0, "Random seed (splits, initial weights, shuffling)", min=0,
                   max=2**31 - 1, group="run")
    device: str = _f("auto", "auto, cpu, cuda, cuda:N or mps", group="run")
    mixed_precision: bool = _f(True, "Mixed precision on CUDA", group="run")
    threads: int | None = _f(None, "CPU threads for torch (default: torch's choice)", min=1,
                             max=256, group="run")
    log_every: int = _f(10, "Steps between progress events", min=1, max=100_000, group="run")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, where: str = "") -> RunConfig:
        """Validate user values; unknown keys and bad values raise ``ConfigError``.

        ``where`` prefixes messages (e.g. ``"experiments.toml, experiment 'lenet'"``).
        """
        prefix = f"{where}: " if where else ""
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(
                f"{prefix}unknown key {unknown[0]!r}; expected one of: {', '.join(sorted(known))}"
            )
        clean = {name: _validate(known[name], value, prefix) for name, value in values.items()}
        for name, f in known.items():
            if f.metadata.get("required") and not clean.get(name):
                raise ConfigError(f"{prefix}{name!r} is required ({f.metadata['help'].lower()})")
        config = cls(**clean)
        if not _DEVICE.fullmatch(config.device.lower()):
            raise ConfigError(
                f"{prefix}'device' must be auto, cpu, cuda, cuda:N or mps; got {config.device!r}"
            )
        if config.val_fraction + config.test_fraction >= 1.0:
            raise ConfigError(
                f"{prefix}val_fraction + test_fraction must be below 1 "
                f"(got {config.val_fraction} + {config.test_fraction}); leave data to train on"
            )
        return config

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, as stored in the catalog."""
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> RunConfig:
        return dataclasses.replace(self, **changes)


def config_fields() -> tuple[dataclasses.Field, ...]:
    """The schema: every field with its ``metadata`` (help, min, max, choices, group)."""
    return dataclasses.fields(RunConfig)


def _validate(f: dataclasses.Field, value: Any, prefix: str) -> Any:
    rules = f.metadata
    annotation = str(f.type)
    optional = "None" in annotation
    if value is None or (optional and value == ""):
        if optional:
            return None
        raise ConfigError(f"{prefix}{f.name!r} needs a value ({rules['help'].lower()})")
    if annotation.startswith("dict"):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{prefix}{f.name!r} must be a table of options, got {value!r}")
        return dict(value)
    if annotation.startswith("bool"):
        if not isinstance(value, bool):
            raise ConfigError(f"{prefix}{f.name!r} must be true or false, got {value!r}")
        return value
    if annotation.startswith("str | int"):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ConfigError(f"{prefix}{f.name!r} must be a column name or 0-based index")
        return value
    if annotation.startswith("int"):
        value = _as_int(f.name, value, prefix)
    elif annotation.startswith("float"):
        value = _as_float(f.name, value, prefix)
    elif annotation.startswith("str"):
        if not isinstance(value, str):
            raise ConfigError(f"{prefix}{f.name!r} must be text, got {value!r}")
        value = value.strip()
        if rules.get("choices") is not None:
            value = value.lower()
    _check_rules(f.name, value, rules, prefix)
    return value


def _as_int(name: str, value: Any, prefix: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ConfigError(f"{prefix}{name!r} must be a whole number, got {value!r}")
    return int(value)


def _as_float(name: str, value: Any, prefix: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{prefix}{name!r} must be a finite number, got {value!r}")
    return float(value)


def _check_rules(name: str, value: Any, rules: Mapping[str, Any], prefix: str) -> None:
    choices = rules.get("choices")
    if choices is not None and value not in choices:
        raise ConfigError(f"{prefix}{name!r} must be one of {', '.join(choices)}; got {value!r}")
    low, high = rules.get("min"), rules.get("max")
    if low is not None:
        too_low = value <= low if rules.get("exclusive_min") else value < low
        if too_low:
            bound = f"greater than {low}" if rules.get("exclusive_min") else f"at least {low}"
            raise ConfigError(f"{prefix}{name!r} must be {bound}, got {value!r}")
    if high is not None and value > high:
        raise ConfigError(f"{prefix}{name!r} must be at most {high}, got {value!r}")
