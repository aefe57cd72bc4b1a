"""``ModelBundle``: everything needed to rebuild a trained model, as one versioned record.

A bundle is ``bundle.json`` (this record) beside the weights file it names. The predictor,
analysis and later export, compression, fine-tuning and import all get a model through
``load_bundle``; nothing else reads weights metadata or preprocessing files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from app.core.datasets import (
    ImagePreprocessing,
    Preprocessing,
    SubwordPreprocessing,
    TextPreprocessing,
    preprocessing_from_json,
)
from app.core.models._run_folder import WEIGHTS

BUNDLE_FORMAT = "modeldesk-model"
BUNDLE_VERSION = 1
"""Bumped when the record changes shape; readers upgrade older versions."""


@dataclass(frozen=True)
class ModelBundle:
    """A trained model's recipe.

    Attributes:
        architecture: Palette name ("lenet5").
        build_options: The architecture options exactly as the model was built (resolved:
            defaults filled in, a text model's position table sized to the data).
        class_names: Output classes in logit order.
        preprocessing: How raw inputs become model inputs.
        weights_file: The safetensors file, relative to the bundle's folder.
        dataset_fingerprint: The dataset the model was trained on.
        run_uid: The catalog uid of the run that made it (``None`` for first-layout bundles).
    """

    architecture: str
    build_options: Mapping[str, Any]
    class_names: tuple[str, ...]
    preprocessing: Preprocessing
    weights_file: str = WEIGHTS.filename
    dataset_fingerprint: str | None = None
    run_uid: str | None = None
    version: int = field(default=BUNDLE_VERSION)

    def __post_init__(self) -> None:
        object.__setattr__(self, "build_options", MappingProxyType(dict(self.build_options)))
        object.__setattr__(self, "class_names", tuple(str(n) for n in self.class_names))

    @property
    def kind(self) -> str:
        return self.preprocessing.kind

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def build_arguments(self) -> dict[str, Any]:
        """The size arguments ``ArchitectureSpec.build`` takes besides the options."""
        pre = self.preprocessing
        if isinstance(pre, ImagePreprocessing):
            return {"in_channels": pre.channels, "image_size": pre.image_size}
        if isinstance(pre, SubwordPreprocessing):
            return {"vocab_size": pre.vocab_size}
        assert isinstance(pre, TextPreprocessing)
        return {"vocab_size": len(pre.vocabulary)}

    def to_json(self) -> dict[str, Any]:
        return {
            "format": BUNDLE_FORMAT, "version": self.version,
            "architecture": self.architecture, "build_options": _plain(self.build_options),
            "class_names": list(self.class_names), "preprocessing": self.preprocessing.to_json(),
            "weights": self.weights_file, "dataset_fingerprint": self.dataset_fingerprint,
            "run_uid": self.run_uid,
        }

    @classmethod
    def from_json(cls, data: Any) -> ModelBundle:
        """The record ``to_json`` wrote; ``ValueError`` saying what is wrong or missing."""
        if not isinstance(data, Mapping) or data.get("format") != BUNDLE_FORMAT:
            raise ValueError("it is not a ModelDesk model bundle")
        version = data.get("version")
        if not isinstance(version, int) or version < 1:
            raise ValueError(f"it has an invalid version {version!r}")
        if version > BUNDLE_VERSION:
            raise ValueError(f"it was written by a newer ModelDesk (bundle version {version}); "
                             "upgrade ModelDesk to use it")
        options, names = data.get("build_options"), data.get("class_names")
        if not isinstance(options, Mapping):
            raise ValueError("'build_options' must be an object")
        if not isinstance(names, list) or len(names) < 2:
            raise ValueError("'class_names' must list at least two classes")
        architecture, weights = data.get("architecture"), data.get("weights")
        if not isinstance(architecture, str) or not isinstance(weights, str) or not weights:
            raise ValueError("'architecture' and 'weights' must be names")
        return cls(architecture=architecture, build_options=dict(options),
                   class_names=tuple(names),
                   preprocessing=preprocessing_from_json(data.get("preprocessing")),
                   weights_file=weights, dataset_fingerprint=data.get("dataset_fingerprint"),
                   run_uid=data.get("run_uid"), version=version)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
