"""The ``legacy_d2263c9`` asset installed where a test can write: a real catalog of the last
release that wrote the first run-folder layout (see ``assets/legacy_d2263c9/make_assets.py``).

The catalog stores absolute dataset paths under a placeholder; they are rewritten to the copy
with plain ``sqlite3`` so the file stays exactly as the old release left it (schema v2, flat
configs without ``config_version``) apart from those paths. Opening it with ``Catalog`` then
upgrades the copy, never the committed asset.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

ASSET = Path(__file__).resolve().parent / "assets" / "legacy_d2263c9"
PLACEHOLDER = "/tmp/modeldesk-legacy-d2263c9"
TEXT_RUNS = {1: "bag_of_embeddings", 2: "transformer", 4: "bag_of_embeddings"}
IMAGE_RUNS = {3: "lenet5"}
COMPLETED_RUNS = (1, 2, 3)
STOPPED_RUN = 4


def install_legacy_catalog(folder: Path) -> Path:
    """Copy the asset's catalog, run folders and datasets into ``folder``; return the
    catalog path. Stored paths point into ``folder``; nothing else in the file changes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ASSET / "catalog.sqlite", folder / "catalog.sqlite")
    for name in ("catalog_runs", "data"):
        shutil.copytree(ASSET / name, folder / name)
    catalog = folder / "catalog.sqlite"
    with closing(sqlite3.connect(catalog)) as conn, conn:
        for row_id, path in conn.execute("SELECT id, path FROM datasets").fetchall():
            conn.execute("UPDATE datasets SET path = ? WHERE id = ?",
                         (_moved(path, folder), row_id))
        for row_id, text in conn.execute("SELECT id, config FROM runs").fetchall():
            config = json.loads(text)
            config["dataset"] = _moved(config["dataset"], folder)
            conn.execute("UPDATE runs SET config = ? WHERE id = ?",
                         (json.dumps(config, sort_keys=True), row_id))
    return catalog


def _moved(path: str, folder: Path) -> str:
    if not path.startswith(PLACEHOLDER + "/"):
        raise AssertionError(f"{path!r} does not start with the asset's placeholder")
    return str(folder) + path[len(PLACEHOLDER):]
