"""The run catalog: a local SQLite file of datasets, runs, studies, metrics and artifacts.

``Catalog(path)`` is the one entry point; it hands out frozen records. ``RunQuery`` says which
runs ``list_runs``/``count_runs``/``page_runs`` select; ``page_runs`` hands out keyset pages of
light ``RunRow`` records for run tables. ``Catalog(path, read_only=True)`` inspects a file
without changing it. Run statuses are :mod:`app.core.statuses`' (re-exported here for older
callers). No Qt, no torch here.
"""

from app.core.catalog._export import CSV_COLUMNS, FINAL_COLUMNS, export_runs_csv
from app.core.catalog._exports import EXPORT_STATUSES, ExportRecord
from app.core.catalog._files import pid_alive
from app.core.catalog._import import ImportReport
from app.core.catalog._label_changes import LabelChange, label_changes_config
from app.core.catalog._liveness import STALE_AFTER_S, is_interrupted
from app.core.catalog._location import ENV_VAR, default_catalog_path, resolve_catalog_path
from app.core.catalog._paging import PAGE_SORTABLE, Sort
from app.core.catalog._records import (
    ArtifactRecord,
    Comparison,
    DatasetRecord,
    History,
    Lineage,
    MetricPoint,
    MetricRow,
    RunDetail,
    RunRecord,
    StudyRecord,
    TrashReport,
    parse_timestamp,
    thaw,
)
from app.core.catalog._registry_records import (
    ModelVersion,
    RegisteredModel,
    RegistryEvent,
    check_alias,
    check_model_name,
)
from app.core.catalog._rows import PageCursor, RunPage, RunRow
from app.core.catalog._run_query import COMPARISONS, METRIC_COLUMNS, RunQuery
from app.core.catalog._schema import latest_version
from app.core.catalog._store import Catalog
from app.core.catalog._studies import STUDY_DIRECTIONS, STUDY_KINDS, STUDY_STATUSES
from app.core.statuses import RESUMABLE_STATUSES, RUN_STATUSES, TERMINAL_STATUSES

__all__ = [
    "COMPARISONS",
    "CSV_COLUMNS",
    "FINAL_COLUMNS",
    "ENV_VAR",
    "EXPORT_STATUSES",
    "METRIC_COLUMNS",
    "PAGE_SORTABLE",
    "RESUMABLE_STATUSES",
    "RUN_STATUSES",
    "STALE_AFTER_S",
    "STUDY_DIRECTIONS",
    "STUDY_KINDS",
    "STUDY_STATUSES",
    "TERMINAL_STATUSES",
    "ArtifactRecord",
    "Catalog",
    "LabelChange",
    "Comparison",
    "DatasetRecord",
    "ExportRecord",
    "ImportReport",
    "History",
    "Lineage",
    "MetricPoint",
    "MetricRow",
    "ModelVersion",
    "PageCursor",
    "RegisteredModel",
    "RegistryEvent",
    "RunDetail",
    "RunPage",
    "RunQuery",
    "RunRecord",
    "RunRow",
    "Sort",
    "StudyRecord",
    "TrashReport",
    "check_alias",
    "check_model_name",
    "default_catalog_path",
    "export_runs_csv",
    "label_changes_config",
    "is_interrupted",
    "latest_version",
    "parse_timestamp",
    "pid_alive",
    "resolve_catalog_path",
    "thaw",
]
