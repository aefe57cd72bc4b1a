"""What an import reads from the other catalog: its finished runs and everything they hang on.

The source is opened read-only (an older schema is read from a migrated private copy, so the
other file is never changed) and read in one snapshot, so a worker still writing its catalog
cannot hand us a run without its metrics. Runs still training (queued, running) are left for a
later import; trashed runs are the other side's deletions and stay there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.catalog._base import CatalogBase
from app.core.statuses import QUEUED, RUNNING


@dataclass(frozen=True)
class SourceRows:
    """The rows of one source catalog that an import may copy, keyed the source's way."""

    path: Path
    runs_root: Path
    runs: tuple[dict[str, Any], ...]  # live, finished; by id, so parents first
    datasets: dict[int, dict[str, Any]]  # by source id
    studies: dict[int, dict[str, Any]]
    run_uids: dict[int, str]  # every source run id → uid (lineage may point at any run)
    metrics: dict[int, list[tuple[str, int, int | None, float | None, int]]]
    artifacts: dict[int, list[dict[str, Any]]]
    exports: dict[int, list[dict[str, Any]]]
    tags: dict[int, list[str]]
    still_training: int


def read_source(source: CatalogBase) -> SourceRows:
    """Every importable row of ``source`` in one read transaction."""
    with source._read() as db:
        live = [dict(row) for row in db.query(
            "SELECT * FROM runs WHERE trashed_at IS NULL ORDER BY id")]
        training = [row for row in live if row["status"] in (QUEUED, RUNNING)]
        runs = [row for row in live if row["status"] not in (QUEUED, RUNNING)]
        ids = [row["id"] for row in runs]
        datasets = {row["id"]: dict(row) for row in db.query("SELECT * FROM datasets")}
        studies = {row["id"]: dict(row) for row in db.query("SELECT * FROM studies")}
        run_uids = dict(db.execute("SELECT id, uid FROM runs").fetchall())
        metrics: dict[int, list] = {run_id: [] for run_id in ids}
        for run_id, key, step, epoch, value, stamp in db.execute(
            "SELECT m.run_id, k.key, m.step, m.epoch, m.value, m.timestamp FROM metrics m"
            " JOIN metric_keys k ON k.id = m.key_id ORDER BY m.run_id, k.key, m.step"
        ):
            if run_id in metrics:
                metrics[run_id].append((key, step, epoch, value, stamp))
        artifacts = _by_run(db.query("SELECT * FROM artifacts ORDER BY id"), ids)
        exports = _by_run(db.query("SELECT * FROM model_exports ORDER BY id"), ids)
        tags: dict[int, list[str]] = {run_id: [] for run_id in ids}
        for run_id, tag in db.execute("SELECT run_id, tag FROM tags ORDER BY tag"):
            if run_id in tags:
                tags[run_id].append(tag)
    return SourceRows(
        path=source.path, runs_root=source.runs_root, runs=tuple(runs),
        datasets=datasets, studies=studies, run_uids=run_uids, metrics=metrics,
        artifacts=artifacts, exports=exports, tags=tags, still_training=len(training),
    )  # fmt: skip


def _by_run(rows: Any, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {run_id: [] for run_id in ids}
    for row in rows:
        if row["run_id"] in grouped:
            grouped[row["run_id"]].append(dict(row))
    return grouped

