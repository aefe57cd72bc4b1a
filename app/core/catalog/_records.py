"""Frozen records the catalog hands out, and the helpers that build them from rows.

Records are snapshots: nothing a caller does to one changes the catalog or another caller's
copy. JSON columns are parsed once and deep-frozen (dicts become read-only mappings, lists
become tuples); :func:`thaw` turns such a value back into plain JSON-able dicts and lists.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.core.catalog._files import from_stored
from app.core.errors import CatalogError

_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> str:
    """Current time as a fixed-width UTC ISO-8601 string, so text order is time order."""
    return datetime.now(UTC).strftime(_TIMESTAMP_FORMAT)


_UID = re.compile(r"[0-9a-f]{32}")


def new_uid() -> str:
    """A fresh global id: a random UUID as 32 lowercase hex digits."""
    return uuid.uuid4().hex


def check_uid(uid: str) -> str:
    """Return ``uid`` if it has the form of a global id; it names a folder, so nothing else."""
    if not isinstance(uid, str) or _UID.fullmatch(uid) is None:
        raise CatalogError(f"{uid!r} is not a catalog uid (32 lowercase hex digits)")
    return uid


def parse_timestamp(text: str) -> datetime:
    """Turn a catalog timestamp back into an aware UTC ``datetime`` (for display)."""
    return datetime.strptime(text, _TIMESTAMP_FORMAT).replace(tzinfo=UTC)


def freeze(value: Any) -> Any:
    """Deep-freeze parsed JSON: dicts → read-only mappings, lists → tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Inverse of :func:`freeze`: plain dicts and lists, ready for ``json.dumps`` or editing."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


def to_json(value: Any) -> str:
    """Canonical JSON for storage (sorted keys, so equal configs store equal text)."""
    return json.dumps(thaw(value), sort_keys=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def from_json(text: str | None) -> Any:
    return None if text is None else freeze(json.loads(text))


def nan_to_none(value: float | None) -> float | None:
    """SQLite stores NaN as NULL; make that explicit on the way in."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def none_to_nan(value: float | None) -> float:
    """Metric values come back as floats; a stored NULL was a NaN (e.g. a diverged loss)."""
    return math.nan if value is None else float(value)


@dataclass(frozen=True)
class DatasetRecord:
    """A dataset as registered when a run used it; identified by (fingerprint, path)."""

    id: int
    path: str
    kind: str
    fingerprint: str
    class_names: tuple[str, ...]
    class_counts: Mapping[str, int]
    num_samples: int
    created_at: str
    uid: str = ""
    """Globally unique id (32 hex digits), the same in every catalog the dataset is copied to."""
    report: Mapping[str, Any] | None = None
    """The validation report of the load that registered it (found, kept, what was skipped
    and why), deep-frozen; ``None`` for datasets registered without one or before schema v4."""


@dataclass(frozen=True)
class MetricPoint:
    """One logged value of one metric (MLflow-style: key, step, value, timestamp)."""

    key: str
    step: int
    epoch: int | None
    value: float
    timestamp: str


History = Mapping[str, tuple[MetricPoint, ...]]
"""Metric key → points sorted by step."""


@dataclass(frozen=True)
class ArtifactRecord:
    """A file a run produced (checkpoint, weights, predictions, vocab, …)."""

    id: int
    run_id: int
    kind: str
    path: Path
    format: str
    size_bytes: int
    sha256: str
    created_at: str


@dataclass(frozen=True)
class RunRecord:
    """One row of the run table plus its tags and dataset path, JSON columns parsed."""

    id: int
    name: str
    status: str
    model: str
    dataset_id: int
    parent_run_id: int | None
    config: Mapping[str, Any]
    seed: int | None
    device: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    wall_seconds: float | None
    epochs_done: int
    total_epochs: int | None
    message: str
    environment: Mapping[str, Any]
    pid: int | None
    hostname: str | None
    best_val_metric_name: str | None
    best_val_metric: float | None
    best_epoch: int | None
    final_train_loss: float | None
    final_val_loss: float | None
    final_val_accuracy: float | None
    test_accuracy: float | None
    test_macro_f1: float | None
    test_metrics: Mapping[str, Any] | None
    notes: str
    run_dir: Path
    tags: tuple[str, ...]
    dataset_path: str | None
    trashed_at: str | None = None
    """When the run was moved to the trash (UTC timestamp), or ``None`` for a live run."""
    uid: str = ""
    """Globally unique id (32 hex digits): names new run folders and survives copying the run
    to another catalog, where the integer ``id`` would clash. Every catalog row has one."""
    study_id: int | None = None
    """The study (grid or search) this run is a trial of, or ``None``."""
    trial_number: int | None = None
    """The trial's number within its study, as the study's sampler numbered it."""
    heartbeat_at: str | None = None
    """When the training process last said it is alive (``mark_running``, ``heartbeat``)."""
    health: str | None = None
    """A short verdict on the run's learning (``"not learning"``), or ``None``."""
    reproduces_run_id: int | None = None
    """The run this one reproduces (re-ran from its stored config), or ``None``."""


@dataclass(frozen=True)
class TrashReport:
    """What ``Catalog.empty_trash`` did.

    ``bytes_reclaimed`` sums the sizes of the files deleted from the runs' folders.
    ``failed_folders`` lists folders that could not be deleted (completely) although their runs
    left the catalog; a person may delete them by hand.
    """

    runs_removed: int
    bytes_reclaimed: int
    failed_folders: tuple[Path, ...] = ()


@dataclass(frozen=True)
class RunDetail:
    """Everything the run page shows: the run, its dataset, curves, files and tags."""

    run: RunRecord
    dataset: DatasetRecord | None
    history: History
    artifacts: tuple[ArtifactRecord, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class MetricRow:
    """One row of a comparison table: a metric's value per run and which run did best.

    ``higher_is_better`` is ``None`` when the direction is unknown; ``best_index`` is then
    ``None`` too, as it is when no run has a value.
    """

    name: str
    values: tuple[float | None, ...]
    best_index: int | None
    higher_is_better: bool | None


@dataclass(frozen=True)
class Comparison:
    """Side-by-side view of two or more runs, in the order the caller asked for them."""

    runs: tuple[RunRecord, ...]
    metric_table: tuple[MetricRow, ...]
    param_diff: Mapping[str, tuple[Any, ...]]
    curves: Mapping[int, History]


@dataclass(frozen=True)
class Lineage:
    """A run's place in its fine-tuning family tree (``parent_run_id`` links), both ways.

    ``ancestors`` runs from the parent up to the root, nearest first; ``descendants`` holds
    every run below, ordered by depth, then id. Trashed runs are included; their
    ``trashed_at`` is set, so a view can grey them out instead of showing a broken chain.
    """

    run: RunRecord
    ancestors: tuple[RunRecord, ...]
    descendants: tuple[RunRecord, ...]


@dataclass(frozen=True)
class StudyRecord:
    """A grid or a search: one study, many trials (runs with ``study_id`` set).

    ``trial_counts`` maps each status its trials have to how many have it, and ``trials`` is
    their total; both count live trials only (trashed runs left the study's table).
    """

    id: int
    uid: str
    name: str
    kind: str
    space: Mapping[str, Any]
    sampler: str
    metric: str | None
    direction: str | None
    status: str
    best_run_id: int | None
    planned_trials: int | None
    settings: Mapping[str, Any]
    created_at: str
    finished_at: str | None
    trial_counts: Mapping[str, int]
    trials: int


RUN_COLUMNS: tuple[str, ...] = (
    "id", "name", "status", "model", "dataset_id", "parent_run_id", "config", "seed", "device",
    "created_at", "started_at", "finished_at", "wall_seconds", "epochs_done", "total_epochs",
    "message", "environment", "pid", "hostname", "best_val_metric_name", "best_val_metric",
    "best_epoch", "final_train_loss", "final_val_loss", "final_val_accuracy", "test_accuracy",
    "test_macro_f1", "test_metrics", "notes", "run_dir", "trashed_at", "uid", "study_id",
    "trial_number", "heartbeat_at", "health", "reproduces_run_id",
)  # fmt: skip


def run_from_row(row: Mapping[str, Any], root: Path) -> RunRecord:
    """Build a :class:`RunRecord` from a ``runs`` row plus ``tags_json`` and ``dataset_path``."""
    values = {name: row[name] for name in RUN_COLUMNS}
    values["config"] = from_json(row["config"]) or MappingProxyType({})
    values["environment"] = from_json(row["environment"]) or MappingProxyType({})
    values["test_metrics"] = from_json(row["test_metrics"])
    values["run_dir"] = from_stored(row["run_dir"], root)
    values["tags"] = tuple(json.loads(row["tags_json"] or "[]"))
    values["dataset_path"] = row["dataset_path"]
    return RunRecord(**values)


def dataset_from_row(row: Mapping[str, Any]) -> DatasetRecord:
    return DatasetRecord(
        id=row["id"],
        path=row["path"],
        kind=row["kind"],
        fingerprint=row["fingerprint"],
        class_names=tuple(json.loads(row["class_names"])),
        class_counts=freeze(json.loads(row["class_counts"])),
        num_samples=row["num_samples"],
        created_at=row["created_at"],
        uid=row["uid"],
        report=from_json(row["report"]),
    )


def artifact_from_row(row: Mapping[str, Any], root: Path) -> ArtifactRecord:
    return ArtifactRecord(
        id=row["id"],
        run_id=row["run_id"],
        kind=row["kind"],
        path=from_stored(row["path"], root),
        format=row["format"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
        created_at=row["created_at"],
    )


def study_from_row(row: Mapping[str, Any], trial_counts: Mapping[str, int]) -> StudyRecord:
    return StudyRecord(
        id=row["id"],
        uid=row["uid"],
        name=row["name"],
        kind=row["kind"],
        space=from_json(row["space"]),
        sampler=row["sampler"],
        metric=row["metric"],
        direction=row["direction"],
        status=row["status"],
        best_run_id=row["best_run_id"],
        planned_trials=row["planned_trials"],
        settings=from_json(row["settings"]) or MappingProxyType({}),
        created_at=row["created_at"],
        finished_at=row["finished_at"],
        trial_counts=MappingProxyType(dict(trial_counts)),
        trials=sum(trial_counts.values()),
    )
