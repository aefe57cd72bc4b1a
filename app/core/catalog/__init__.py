"""The run catalog: a local SQLite file of datasets, runs, metrics and artifacts.

``Catalog(path)`` is the one entry point; it hands out frozen records. No Qt, no torch here.
"""

from app.core.catalog._export import CSV_COLUMNS, export_runs_csv
from app.core.catalog._location import ENV_VAR, default_catalog_path, resolve_catalog_path
from app.core.catalog._records import (
    RUN_STATUSES,
    TERMINAL_STATUSES,
    ArtifactRecord,
    Comparison,
    DatasetRecord,
    History,
    MetricPoint,
    MetricRow,
    RunDetail,
    RunRecord,
    TrashReport,
    parse_timestamp,
    thaw,
)
from app.core.catalog._schema import latest_version
from app.core.catalog._store import Catalog

__all__ = [
    "CSV_COLUMNS",
    "ENV_VAR",
    "RUN_STATUSES",
    "TERMINAL_STATUSES",
    "ArtifactRecord",
    "Catalog",
    "Comparison",
    "DatasetRecord",
    "History",
    "MetricPoint",
    "MetricRow",
    "RunDetail",
    "RunRecord",
    "TrashReport",
    "default_catalog_path",
    "export_runs_csv",
    "latest_version",
    "parse_timestamp",
    "resolve_catalog_path",
    "thaw",
]
