"""The Models page's form, derived from the core's schemas rather than written per field.

Run settings come from ``config_fields()`` (help, group, bounds, choices in each field's
metadata); an architecture's options come from its ``HyperParam``s, checked by their own
``validate``. This module only decides which fields the page shows, their labels, and which
ones hide under "Advanced". ``cross_field_errors`` asks ``RunConfig.from_mapping`` about the
whole set, so rules such as ``val_fraction + test_fraction < 1`` live in the core only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.core.engine import RunConfig, config_fields
from app.core.errors import ModelDeskError
from app.core.palette import ArchitectureSpec
from app.gui.widgets.config_form import FieldSpec

TRAINING, DATA = "Training", "Data and run"

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
LABELS = {
    "batch_size": "Batch size", "lr": "Learning rate", "step_size": "Step size",
    "gamma": "Decay factor", "weight_decay": "Weight decay", "label_smoothing": "Label smoothing",
    "grad_clip": "Gradient clipping", "early_stopping_patience": "Early stopping after",
    "monitor": "Best epoch by", "restore_best": "Test best epoch", "image_size": "Image size",
    "max_length": "Max tokens", "val_fraction": "Validation share", "test_fraction": "Test share",
    "name": "Run name", "min_freq": "Min token count", "max_vocab": "Max vocabulary",
    "mixed_precision": "Mixed precision", "threads": "CPU threads", "device": "Device",
}
_ENABLED_IF = {
    "momentum": lambda v: v.get("optimizer") == "sgd",
    "step_size": lambda v: v.get("scheduler") in ("step", "plateau"),
    "gamma": lambda v: v.get("scheduler") in ("step", "plateau"),
}


def label_for(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def run_fields(spec: ArchitectureSpec) -> list[FieldSpec]:
    """Training and data/run fields for ``spec``'s kind, defaults from the spec then schema."""
    schema = {f.name: f for f in config_fields()}
    shown = [(name, TRAINING, adv) for name, adv in _TRAINING]
    shown += [(name, DATA, adv) for name, adv in _DATA[spec.kind]]
    fields = []
    for name, group, advanced in shown:
        f = schema[name]
        rules = f.metadata
        annotation = str(f.type)
        kind = {"int": int, "float": float, "bool": bool}.get(annotation.split("|")[0].strip(), str)
        default = spec.training_defaults.get(name, f.default)
        placeholder = ""
        if name == "image_size":
            placeholder = f"model default ({spec.input_size} px)"
        elif name == "max_length":
            placeholder = f"model default ({spec.input_size} tokens)"
        elif name == "threads":
            placeholder = "torch's choice"
        elif name == "name":
            placeholder = "optional; e.g. 'baseline'"
        fields.append(FieldSpec(
            name=name, label=label_for(name), type=kind, default=default, help=rules["help"],
            min=rules.get("min"), max=rules.get("max"),
            exclusive_min=bool(rules.get("exclusive_min")),
            choices=tuple(rules["choices"]) if rules.get("choices") else None,
            suggestions=("auto", "cpu", "cuda", "mps") if name == "device" else None,
            optional="None" in annotation,
            placeholder=placeholder, group=group, advanced=advanced,
            enabled_if=_ENABLED_IF.get(name)))
    return fields


def option_fields(spec: ArchitectureSpec) -> list[FieldSpec]:
    """One field per hyperparameter of ``spec``, checked by ``HyperParam.validate``."""
    return [FieldSpec(name=p.name, label=label_for(p.name), type=p.type, default=p.default,
                      help=p.help, min=p.min, max=p.max, choices=p.choices,
                      group=f"Architecture: {spec.name}",
                      check=lambda value, p=p: p.validate(value))
            for p in spec.hyperparams]


def cross_field_errors(values: Mapping[str, Any], model: str, model_options: Mapping[str, Any],
                       dataset: str | None) -> dict[str, str]:
    """Problems ``RunConfig.from_mapping`` finds in the whole set, keyed by the fields named.

    Only keys of the schema are passed (other pages may keep more in ``state.values``); a
    message naming no field is returned under ``""``.
    """
    known = {f.name for f in config_fields()}
    mapping = {k: v for k, v in values.items() if k in known}
    mapping.update(dataset=dataset or "(no dataset yet)", model=model or "(none)",
                   model_options=dict(model_options))
    try:
        RunConfig.from_mapping(mapping)
    except ModelDeskError as error:
        return fields_named(str(error), known - {"dataset", "model"})
    return {}


def fields_named(message: str, names: set[str]) -> dict[str, str]:
    """``{field: message}`` for every field ``message`` mentions (quoted or bare)."""
    mentioned = [n for n in re.findall(r"'(\w+)'", message) if n in names]
    if not mentioned:  # "val_fraction + test_fraction must be below 1"
        mentioned = [n for n in re.findall(r"\b\w+_\w+\b", message) if n in names]
    return {n: message for n in dict.fromkeys(mentioned)} or {"": message}
