"""Looking specs up by name and kind. Pure data: importing this never imports torch."""

from __future__ import annotations

from app.core.errors import ConfigError

from ._entries import ALL_SPECS, DEFAULT_MODELS
from ._spec import KINDS, ArchitectureSpec

_BY_NAME: dict[str, ArchitectureSpec] = {spec.name: spec for spec in ALL_SPECS}


def _normalise(name: str) -> str:
    # "ResNet18", " textcnn ", "mobilenet-v3-small" all name a spec.
    return name.strip().lower().replace("-", "_")


def get_spec(name: str) -> ArchitectureSpec:
    """The spec called ``name`` (case-insensitive); ``ConfigError`` listing valid names."""
    spec = _BY_NAME.get(_normalise(name)) if isinstance(name, str) else None
    if spec is None:
        raise ConfigError(f"unknown model {name!r}; choose one of: {', '.join(_BY_NAME)}")
    return spec


def list_specs(kind: str | None = None) -> tuple[ArchitectureSpec, ...]:
    """All specs, or those of one kind ("image"|"text"), in the order the GUI shows them."""
    if kind is None:
        return ALL_SPECS
    _check_kind(kind)
    return tuple(spec for spec in ALL_SPECS if spec.kind == kind)


def default_model(kind: str) -> str:
    """The name of the model to preselect for a dataset of ``kind``."""
    _check_kind(kind)
    return DEFAULT_MODELS[kind]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ConfigError(f"unknown data kind {kind!r}; expected one of: {', '.join(KINDS)}")


SMALL_DATASET = 5000
"""Up to this many samples, a pretrained backbone beats training from scratch by far (ants
and bees: 77.5 % from scratch, 96 % with a frozen EfficientNet-Lite0 on 400 photos)."""


def recommended_model(kind: str, samples: int) -> str | None:
    """The pretrained entry to recommend for a dataset of ``samples`` samples of ``kind``,
    when its packages are installed; ``None`` for large datasets."""
    _check_kind(kind)
    if samples > SMALL_DATASET:
        return None
    for spec in ALL_SPECS:
        if spec.kind == kind and spec.pretrained is not None and spec.pretrained.available:
            return spec.name
    return None
