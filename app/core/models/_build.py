"""Building a bundle's module: the one place a model's options are resolved and applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.core.datasets import Preprocessing, TextPreprocessing
from app.core.errors import CheckpointError, ConfigError
from app.core.palette import ArchitectureSpec, get_spec

if TYPE_CHECKING:
    from torch import nn

    from app.core.models._bundle import ModelBundle

POSITION_OPTION = "max_length"
"""The option of text models with a position table; it must cover the data's max length."""


def resolve_build_options(spec: ArchitectureSpec, options: Mapping[str, Any],
                          preprocessing: Preprocessing) -> dict[str, Any]:
    """The options a model is built with: the user's, the spec's defaults for the rest, and
    a position table as long as the texts are cut (unless the user sized it).

    Raises ``ConfigError`` for an unknown option or a bad value.
    """
    resolved = spec.options_with_defaults(options)
    sized_by_user = POSITION_OPTION in options
    if (POSITION_OPTION in resolved and not sized_by_user
            and isinstance(preprocessing, TextPreprocessing)):
        resolved[POSITION_OPTION] = preprocessing.max_length
    return resolved


def build_model(bundle: ModelBundle) -> nn.Module:
    """A freshly initialised module for ``bundle`` (seed torch first to repeat it).

    Raises:
        CheckpointError: the bundle names an architecture or options this ModelDesk lacks.
    """
    try:
        spec = get_spec(bundle.architecture)
        return spec.build(bundle.num_classes, **bundle.build_arguments(),
                          **dict(bundle.build_options))
    except ConfigError as error:
        raise CheckpointError(f"the model cannot be built here: {error}") from None
