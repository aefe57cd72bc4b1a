"""The run config's four sections: data, model, training and runtime.

Each field is declared once, with its ``Param`` in the field's metadata; ``params(Section)``
lists them. The engine takes only ``TrainingConfig`` and ``RuntimeConfig``; datasets read
``DataConfig``; the palette reads ``ModelConfig``. Users never see the sections: experiment
files, the form and the catalog use the flat keys (``lr``, ``dataset``), which are unique
across sections.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from app.core.config._param import ColumnRef, Param

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULERS = ("none", "step", "cosine", "onecycle", "plateau")
MONITORS = ("val_loss", "val_accuracy")
DEVICE_PATTERN = r"auto|cpu|mps|cuda(:\d+)?"
TRAIN_LAYERS = ("auto", "head", "last_blocks", "all")
INIT_FROM_PATTERN = r"pretrained|scratch|\d+|[0-9a-f]{6,32}"
AUGMENT_PRESETS = ("off", "light", "medium", "strong")


def _p(default: Any, type: type, help: str, *, key: str | None = None, **rules: Any) -> Any:
    """A dataclass field carrying its parameter; ``key`` when the user's name differs."""
    meta = {"param": dict(default=default, type=type, help=help, **rules), "key": key}
    if isinstance(default, dict):
        return field(default_factory=dict, metadata=meta)
    return field(default=default, metadata=meta)


def params(section: type) -> tuple[Param, ...]:
    """The section's parameters, in declaration order (built once per section)."""
    cached = section.__dict__.get("_params")
    if cached is None:
        group = section.SECTION  # type: ignore[attr-defined]
        cached = tuple(Param(name=f.metadata["key"] or f.name, group=group,
                             **f.metadata["param"])
                       for f in dataclasses.fields(section))
        section._params = cached  # type: ignore[attr-defined]
    return cached


def attribute_of(section: type, key: str) -> str:
    """The section attribute that holds the flat key ``key``."""
    for f in dataclasses.fields(section):
        if (f.metadata["key"] or f.name) == key:
            return f.name
    raise KeyError(key)


@dataclass(frozen=True)
class DataConfig:
    """Which samples, how they are read, split and encoded."""

    SECTION = "data"

    dataset: str = _p("", str, "Dataset folder or CSV/TSV file", required=True)
    text_column: str | int | None = _p(None, ColumnRef, "Text column (name or 0-based index)",
                                       optional=True)
    label_column: str | int | None = _p(None, ColumnRef,
                                        "Label column (name or 0-based index)", optional=True)
    delimiter: str | None = _p(None, str, "Column delimiter (auto-detected when empty)",
                               optional=True)
    has_header: bool | None = _p(None, bool, "Whether the table has a header row (auto)",
                                 optional=True)
    val_fraction: float = _p(0.1, float, "Share of samples held out for validation",
                             min=0.0, max=0.9)
    test_fraction: float = _p(0.2, float, "Share of samples held out for the final test",
                              min=0.0, max=0.9)
    image_size: int | None = _p(None, int, "Image side in pixels (model default when empty)",
                                min=8, max=1024, optional=True)
    max_length: int | None = _p(None, int, "Tokens kept per text (model default when empty)",
                                min=1, max=4096, optional=True)
    min_freq: int = _p(1, int, "Minimum token count to enter the vocabulary", min=1, max=1000)
    max_vocab: int = _p(20000, int, "Largest vocabulary size", min=10, max=1_000_000,
                        log=True)
    label_changes: dict[str, Any] = _p({}, dict, "Samples this run changes, by sample id: a "
                                       "corrected class name, or false to leave the sample "
                                       "out (the Data page's Check labels records them); the "
                                       "dataset's files are never edited")


@dataclass(frozen=True)
class ModelConfig:
    """Which architecture, its options, and what it starts from."""

    SECTION = "model"

    architecture: str = _p("", str, "Architecture name from the palette", key="model",
                           required=True)
    options: dict[str, Any] = _p({}, dict, "Architecture hyperparameters",
                                 key="model_options")
    init_from: str | None = _p(None, str, "Start from: 'pretrained' (the entry's packaged "
                               "weights), 'scratch', or a catalog run's id or uid to fine-tune "
                               "(empty: pretrained where the entry has weights)",
                               optional=True, pattern=INIT_FROM_PATTERN,
                               pattern_help="pretrained, scratch, a run id or a run uid")
    weights: str | None = _p(None, str, "Local weights file to start from (.safetensors or .pt)",
                             optional=True)
    train_layers: str = _p("auto", str, "Which layers train: 'head' (frozen backbone, features "
                           "computed once), 'last_blocks', 'all'; 'auto' is 'head' when "
                           "starting from pretrained weights, else 'all'", choices=TRAIN_LAYERS)
    trainable_blocks: int = _p(2, int, "Blocks from the end that train with "
                               "train_layers = 'last_blocks'", min=1, max=64)


@dataclass(frozen=True)
class TrainingConfig:
    """How the optimiser runs: everything the training loop needs to reproduce a run."""

    SECTION = "training"

    epochs: int = _p(10, int, "Passes over the training data", min=1, max=100_000)
    batch_size: int = _p(64, int, "Samples per step", min=1, max=65_536, log=True)
    optimizer: str = _p("adam", str, "Optimiser", choices=OPTIMIZERS)
    lr: float = _p(1e-3, float, "Learning rate", min=0.0, max=10.0, exclusive_min=True,
                   log=True)
    momentum: float = _p(0.9, float, "SGD momentum", min=0.0, max=0.999)
    weight_decay: float = _p(0.0, float, "Weight decay (L2)", min=0.0, max=1.0)
    scheduler: str = _p("none", str, "Learning-rate schedule", choices=SCHEDULERS)
    step_size: int = _p(10, int, "Epochs between decays (step) or patience (plateau)",
                        min=1, max=10_000)
    gamma: float = _p(0.1, float, "Decay factor for step and plateau schedules", min=0.0,
                      max=1.0, exclusive_min=True)
    label_smoothing: float = _p(0.0, float, "Label smoothing", min=0.0, max=0.99)
    grad_clip: float = _p(0.0, float, "Clip gradient norm to this value (0 = off)", min=0.0,
                          max=1e6)
    early_stopping_patience: int = _p(0, int, "Stop after this many epochs without "
                                      "improvement (0 = off)", min=0, max=10_000)
    monitor: str = _p("val_loss", str, "Validation metric that picks the best epoch",
                      choices=MONITORS)
    restore_best: bool = _p(True, bool, "Test with the best epoch's weights")
    augment: str = _p("off", str, "Image augmentation strength while training (never at "
                      "evaluation); the aug_* settings override the preset's values",
                      choices=AUGMENT_PRESETS)
    aug_hflip: float | None = _p(None, float, "Probability of a horizontal flip (preset "
                                 "when empty)", min=0.0, max=1.0, optional=True)
    aug_vflip: float | None = _p(None, float, "Probability of a vertical flip (preset when "
                                 "empty)", min=0.0, max=1.0, optional=True)
    aug_rotation: float | None = _p(None, float, "Largest rotation in degrees, either way "
                                    "(preset when empty)", min=0.0, max=180.0, optional=True)
    aug_crop_scale: float | None = _p(None, float, "Smallest share of the image a random "
                                      "resized crop keeps; 1 = no crop (preset when empty)",
                                      min=0.05, max=1.0, optional=True)
    aug_color: float | None = _p(None, float, "Colour jitter: brightness, contrast and "
                                 "saturation vary by up to this fraction (preset when empty)",
                                 min=0.0, max=1.0, optional=True)


@dataclass(frozen=True)
class RuntimeConfig:
    """Where and how the run executes; none of it changes what a model learns on the CPU
    except the seed."""

    SECTION = "runtime"

    name: str = _p("", str, "Run name shown in the catalog")
    seed: int = _p(0, int, "Random seed (splits, initial weights, shuffling)", min=0,
                   max=2**31 - 1)
    device: str = _p("auto", str, "auto, cpu, cuda, cuda:N or mps", pattern=DEVICE_PATTERN,
                     pattern_help="auto, cpu, cuda, cuda:N or mps")
    mixed_precision: bool = _p(True, bool, "Mixed precision on CUDA")
    threads: int | None = _p(None, int, "CPU threads for torch (default: torch's choice)",
                             min=1, max=256, optional=True)
    log_every: int = _p(10, int, "Steps between progress events", min=1, max=100_000)


SECTIONS: tuple[type, ...] = (DataConfig, ModelConfig, TrainingConfig, RuntimeConfig)
"""In the order the README and the form list them."""
