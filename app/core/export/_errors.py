"""The one error type of exports (a model that cannot be exported, a file that is not one,
a bundle that cannot be written), and the one way a library's exception becomes its reason."""

from __future__ import annotations

import re

from app.core.errors import ModelDeskError

_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


class ExportError(ModelDeskError):
    """A model cannot be exported, an output folder cannot be written, or an exported file
    cannot be read back (the message names the file and what to do)."""


def reason_of(error: BaseException) -> str:
    """The first line of ``error``'s innermost cause, for a one-line message: torch.onnx
    wraps the real reason in a generic "Failed to export ..." with terminal colour codes,
    and onnxruntime and onnx put theirs first in a long text."""
    while error.__cause__ is not None:
        error = error.__cause__
    text = _COLOUR.sub("", str(error))
    return next((line.strip() for line in text.splitlines() if line.strip()),
                type(error).__name__)
