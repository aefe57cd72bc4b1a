"""Errors a user can cause, each carrying a message fit to show as it is.

Batch mode prints ``str(error)`` and exits with code 2; the GUI shows it in a dialog.
Tracebacks of these never reach the user.
"""


class ModelDeskError(Exception):
    """Base of every error whose message is meant for the user."""


class DatasetError(ModelDeskError):
    """A dataset cannot be read or has nothing usable left after validation."""


class ConfigError(ModelDeskError):
    """A run configuration or experiment file holds an invalid value."""


class CatalogError(ModelDeskError):
    """The catalog file cannot be opened, migrated or holds no such run."""


class CheckpointError(ModelDeskError):
    """A checkpoint or weights file is missing, corrupt or does not fit the model."""
