"""Schema version 6: derived models (exports, compressed versions) and the model registry.

``model_exports`` holds every file made from a run's model after training: an ONNX or
``torch.export`` file, a standalone bundle, an int8 or pruned version. Each row names the run
it came from and, for a model made from another derived one (static int8 from an ONNX export),
that source; ``status`` says whether its check (parity, accuracy) passed, failed or was not
run, and ``details`` keeps the check's figures as JSON. Rows go with their run
(``ON DELETE CASCADE``); a derived source that disappears leaves a NULL link.

The registry follows MLflow's model registry: ``registered_models`` are names,
``model_versions`` number what was registered under a name (a run's model or one derived
file, kept by uid as well so history survives the run), ``model_aliases`` point a name's alias
(``production``, ``staging``) at one version, and ``registry_events`` is the append-only
history of who did what, when and why, which is also what a rollback reads.
"""

from __future__ import annotations

from sqlite_utils import Database

_STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE model_exports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        source_export_id INTEGER REFERENCES model_exports (id) ON DELETE SET NULL,
        kind TEXT NOT NULL,
        format TEXT NOT NULL,
        path TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        status TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX model_exports_by_run ON model_exports (run_id, id)",
    "CREATE INDEX model_exports_by_source ON model_exports (source_export_id)",
    """
    CREATE TABLE registered_models (
        name TEXT PRIMARY KEY,
        description TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE model_versions (
        name TEXT NOT NULL REFERENCES registered_models (name) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        run_uid TEXT NOT NULL,
        export_id INTEGER REFERENCES model_exports (id) ON DELETE SET NULL,
        export_uid TEXT,
        note TEXT NOT NULL DEFAULT '',
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (name, version)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX model_versions_by_run ON model_versions (run_id)",
    "CREATE INDEX model_versions_by_export ON model_versions (export_id)",
    """
    CREATE TABLE model_aliases (
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (name, alias),
        FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON DELETE CASCADE
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE registry_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        action TEXT NOT NULL,
        version INTEGER,
        alias TEXT,
        previous_version INTEGER,
        note TEXT NOT NULL DEFAULT '',
        user TEXT NOT NULL,
        at TEXT NOT NULL
    )
    """,
    "CREATE INDEX registry_events_by_name ON registry_events (name, id)",
)


def v6_exports_and_registry(db: Database) -> None:
    """Version 5 → 6: the derived-model table and the four registry tables."""
    for statement in _STATEMENTS:
        db.execute(statement)
