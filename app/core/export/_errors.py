"""The one error type of exports: a model that cannot be exported, a file that is not one."""

from __future__ import annotations

from app.core.errors import ModelDeskError


class ExportError(ModelDeskError):
    """A model cannot be exported, an output folder cannot be written, or an exported file
    cannot be read back (the message names the file and what to do)."""
