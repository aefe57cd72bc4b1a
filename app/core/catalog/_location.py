"""Where the catalog file lives when nobody says otherwise.

The precedence is the usual one for desktop tools: an explicit command-line value beats the
``MODELDESK_CATALOG`` environment variable, which beats the per-user data folder. Nothing here
touches the file system; :class:`~app.core.catalog.Catalog` creates folders when it opens.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "MODELDESK_CATALOG"
"""Environment variable naming the catalog file (used by tests, CI and power users)."""

CATALOG_FILE_NAME = "catalog.sqlite"


def default_catalog_path() -> Path:
    """Return ``$MODELDESK_CATALOG`` if set and non-empty, else the per-user data location."""
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    return platformdirs.user_data_path("ModelDesk", appauthor=False) / CATALOG_FILE_NAME


def resolve_catalog_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """Return the catalog path to use: the CLI value, else :func:`default_catalog_path`."""
    if cli_value is not None and str(cli_value).strip():
        return Path(cli_value).expanduser()
    return default_catalog_path()
