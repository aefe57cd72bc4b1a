"""``torch.export`` of a model in its wrapper: the one trace both file formats start from."""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING

from app.core.export._errors import ExportError, reason_of
from app.core.export._wrapper import dynamic_shapes, example_input, wrap
from app.core.models import ModelBundle

if TYPE_CHECKING:
    from torch import nn
    from torch.export import ExportedProgram

log = logging.getLogger(__name__)


def trace(model: nn.Module, bundle: ModelBundle) -> ExportedProgram:
    """The wrapped model (eval mode, preprocessing inside) as an ``ExportedProgram`` with a
    dynamic batch (and sequence) axis.

    Raises:
        ExportError: torch.export cannot follow the model (the reason's first line).
    """
    import torch

    wrapper = wrap(model, bundle)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            sequence = sequence_length(model, bundle)
            return torch.export.export(wrapper, (example_input(bundle, sequence),),
                                       dynamic_shapes=dynamic_shapes(bundle, sequence),
                                       strict=False)
    except Exception as error:
        log.exception("torch.export failed for %s", bundle.architecture)
        raise ExportError(f"a {bundle.architecture} model cannot be exported: torch.export "
                          f"could not trace it ({reason_of(error)})") from None


def sequence_length(model: nn.Module, bundle: ModelBundle) -> int | None:
    """The fixed number of tokens the export takes, or ``None`` (a dynamic axis, or images)."""
    from app.core.datasets import TextPreprocessing
    from app.core.export._adapters import fixed_sequence

    pre = bundle.preprocessing
    if not isinstance(pre, TextPreprocessing):
        return None
    return fixed_sequence(model, pre.max_length)
