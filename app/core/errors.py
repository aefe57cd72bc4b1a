"""Errors a user can cause, each carrying a message fit to show as it is.

Batch mode prints ``str(error)`` and exits with code 2; the GUI shows it in a dialog.
Tracebacks of these never reach the user.
"""

from __future__ import annotations


class ModelDeskError(Exception):
    """Base of every error whose message is meant for the user."""


class DatasetError(ModelDeskError):
    """A dataset cannot be read or has nothing usable left after validation."""


class ConfigError(ModelDeskError):
    """A run configuration or experiment file holds an invalid value.

    ``fields`` names the parameters the problem is about (``("lr",)``, or both fractions for
    "val_fraction + test_fraction must be below 1"), so a form can mark them without reading
    the message; it is empty when no single parameter is at fault.
    """

    def __init__(self, message: str, *, fields: tuple[str, ...] | str = ()) -> None:
        super().__init__(message)
        self.fields: tuple[str, ...] = (fields,) if isinstance(fields, str) else tuple(fields)

    @property
    def field(self) -> str | None:
        """The first parameter named, or ``None``."""
        return self.fields[0] if self.fields else None

    def prefixed(self, where: str) -> ConfigError:
        """The same error with ``where: `` in front of the message (fields kept)."""
        if not where:
            return self
        error = type(self).__new__(type(self))  # subclasses keep their extra attributes
        error.__dict__.update(self.__dict__)
        error.args = (f"{where}: {self}",)
        return error


class CatalogError(ModelDeskError):
    """The catalog file cannot be opened, migrated or holds no such run."""


class CatalogBusyError(CatalogError):
    """Another program held the catalog's write lock for longer than the busy timeout.

    Unlike other catalog errors this one is worth retrying: the write did not happen, and it
    will succeed once the other program lets go.
    """


class CheckpointError(ModelDeskError):
    """A checkpoint or weights file is missing, corrupt or does not fit the model."""
