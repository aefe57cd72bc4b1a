"""The Models page's form, adapted from the core's parameters rather than written per field.

Run settings come from ``run_params()`` and an architecture's options from its ``Param``s;
``field_for`` is the one adapter from a parameter to a form field. This module only decides
which fields the page shows, their labels and placeholders, and which ones hide under
"Advanced". ``cross_field_errors`` asks ``RunConfig.from_mapping`` about the whole set and
marks the fields its ``ConfigError`` names, so rules such as ``val_fraction + test_fraction <
1`` live in the core only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.config import Param, RunConfig, run_param, run_params
from app.core.errors import ConfigError
from app.core.palette import ArchitectureSpec
from app.gui.widgets.config_form import FieldSpec

TRAINING, DATA, AUGMENTATION = "Training", "Data and run", "Augmentation"
START = "Starting point"
OPTION_PREFIX = "model_options."

# (name, advanced) in display order; which size field appears depends on the data kind.
_TRAINING = (("epochs", False), ("batch_size", False), ("optimizer", False), ("lr", False),
             ("scheduler", True), ("step_size", True), ("gamma", True), ("momentum", True),
             ("weight_decay", True), ("label_smoothing", True), ("grad_clip", True),
             ("early_stopping_patience", True), ("monitor", True), ("restore_best", True))
_DATA = {
    "image": (("image_size", False), ("val_fraction", False), ("test_fraction", False),
              ("name", False), ("seed", True), ("device", True), ("mixed_precision", True),
              ("threads", True)),
    "text": (("max_length", False), ("val_fraction", False), ("test_fraction", False),
             ("name", False), ("min_freq", True), ("max_vocab", True), ("seed", True),
             ("device", True), ("mixed_precision", True), ("threads", True)),
}
_START = (("init_from", False), ("train_layers", False), ("trainable_blocks", False),
          ("weights", True))
_AUGMENT = (("augment", False), ("aug_hflip", False), ("aug_vflip", False),
            ("aug_rotation", False), ("aug_crop_scale", False), ("aug_color", False))
LABELS = {
    "batch_size": "Batch size", "lr": "Learning rate", "step_size": "Step size",
    "gamma": "Decay factor", "weight_decay": "Weight decay", "label_smoothing": "Label smoothing",
    "grad_clip": "Gradient clipping", "early_stopping_patience": "Early stopping after",
    "monitor": "Best epoch by", "restore_best": "Test best epoch", "image_size": "Image size",
    "max_length": "Max tokens", "val_fraction": "Validation share", "test_fraction": "Test share",
    "name": "Run name", "min_freq": "Min token count", "max_vocab": "Max vocabulary",
    "mixed_precision": "Mixed precision", "threads": "CPU threads", "device": "Device",
    "augment": "Strength", "aug_hflip": "Horizontal flip", "aug_vflip": "Vertical flip",
    "aug_rotation": "Rotation (°)", "aug_crop_scale": "Crop keeps at least",
    "aug_color": "Colour jitter",
    "init_from": "Start from", "train_layers": "Layers that train",
    "trainable_blocks": "Blocks from the end", "weights": "Weights file",
}
_ENABLED_IF = {
    "momentum": lambda v: v.get("optimizer") == "sgd",
    "step_size": lambda v: v.get("scheduler") in ("step", "plateau"),
    "trainable_blocks": lambda v: v.get("train_layers") == "last_blocks",
    "gamma": lambda v: v.get("scheduler") in ("step", "plateau"),
}
_SUGGESTIONS = {"device": ("auto", "cpu", "cuda", "mps"),
                "init_from": ("pretrained", "scratch")}


def label_for(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def field_for(param: Param, *, default: Any = None, group: str = "", advanced: bool = False,
              placeholder: str = "") -> FieldSpec:
    """The form field of a core parameter."""
    return FieldSpec(param=param, label=label_for(param.name),
                     default=param.default if default is None else default,
                     placeholder=placeholder, group=group or param.group, advanced=advanced,
                     suggestions=_SUGGESTIONS.get(param.name),
                     enabled_if=_ENABLED_IF.get(param.name))


def run_fields(spec: ArchitectureSpec) -> list[FieldSpec]:
    """Training and data/run fields for ``spec``'s kind, defaults from the spec then schema."""
    shown = [(name, START, adv) for name, adv in _START]
    shown += [(name, TRAINING, adv) for name, adv in _TRAINING]
    shown += [(name, DATA, adv) for name, adv in _DATA[spec.kind]]
    if spec.kind == "image":
        shown += [(name, AUGMENTATION, adv) for name, adv in _AUGMENT]
    placeholders = {"image_size": f"model default ({spec.input_size} px)",
                    "max_length": f"model default ({spec.input_size} tokens)",
                    "threads": "torch's choice", "name": "optional; e.g. 'baseline'",
                    "init_from": ("pretrained (packaged weights), scratch, or a run id/uid"
                                  if spec.pretrained else "scratch, or a run id/uid"),
                    "weights": "optional .safetensors or .pt file",
                    **{name: "the strength's value" for name, _ in _AUGMENT[1:]}}
    return [field_for(run_param(name), default=spec.training_defaults.get(name), group=group,
                      advanced=advanced, placeholder=placeholders.get(name, ""))
            for name, group, advanced in shown]


def option_fields(spec: ArchitectureSpec) -> list[FieldSpec]:
    """One field per hyperparameter of ``spec``."""
    return [field_for(p, group=f"Architecture: {spec.name}") for p in spec.hyperparams]


def cross_field_errors(values: Mapping[str, Any], model: str, model_options: Mapping[str, Any],
                       dataset: str | None) -> dict[str, str]:
    """Problems ``RunConfig.from_mapping`` finds in the whole set, keyed by the fields named.

    Only keys of the schema are passed (other pages may keep more in ``state.values``); a
    message naming no field is returned under ``""``.
    """
    known = {p.name for p in run_params()}
    mapping = {k: v for k, v in values.items() if k in known}
    mapping.update(dataset=dataset or "(no dataset yet)", model=model or "(none)",
                   model_options=dict(model_options))
    try:
        RunConfig.from_mapping(mapping)
    except ConfigError as error:
        return errors_by_field(error)
    return {}


def errors_by_field(error: ConfigError) -> dict[str, str]:
    """``{field: message}`` for every field the error names (options by their own name);
    ``{"": message}`` when it names none the form shows."""
    names = [name.removeprefix(OPTION_PREFIX) for name in error.fields
             if name not in ("dataset", "model")]
    return {name: str(error) for name in names} or {"": str(error)}
