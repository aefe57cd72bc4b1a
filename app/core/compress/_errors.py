"""The one error compression raises for the user: a method that does not fit, a bad source."""

from app.core.errors import ModelDeskError


class CompressionError(ModelDeskError):
    """A model cannot be compressed this way (the message says why and what to do instead),
    or its source file cannot be read."""
