"""The catalog's label changes: samples an analyst left out or relabelled, per dataset.

Kept by dataset path (resolved), so the next run on that dataset, whatever its fingerprint
today, is offered them; ``label_changes_config`` turns them into the run config's ``label_changes``
(sample id → the new class name, or ``False`` to leave it out), where they become the run's
provenance. Recording a sample again replaces its change; ``remove_label_changes`` undoes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.core.catalog._base import CatalogBase
from app.core.catalog._records import utc_now


@dataclass(frozen=True)
class LabelChange:
    """One decision: ``new_label`` ``None`` leaves the sample out of the next runs."""

    sample_id: str
    given_label: str
    new_label: str | None = None
    score: float | None = None
    created_at: str = ""

    @property
    def excluded(self) -> bool:
        return self.new_label is None


def dataset_key(path: str | os.PathLike[str]) -> str:
    """How a dataset's path is stored: absolute and resolved, so two spellings meet."""
    return str(Path(path).expanduser().resolve())


def label_changes_config(changes: Iterable[LabelChange]) -> dict[str, str | bool]:
    """The run config's ``label_changes`` for ``changes``."""
    return {c.sample_id: False if c.new_label is None else c.new_label for c in changes}


class CatalogLabelChanges(CatalogBase):
    """``record_label_changes``, ``label_changes``, ``remove_label_changes``; one transaction
    each."""

    def record_label_changes(self, dataset_path: str | os.PathLike[str],
                             changes: Iterable[LabelChange]) -> None:
        """Keep ``changes`` for the dataset (all or none), replacing earlier ones per sample."""
        now, key = utc_now(), dataset_key(dataset_path)
        rows = [(key, c.sample_id, c.given_label, c.new_label, c.score, now) for c in changes]
        if not rows:
            return
        with self._write() as db:
            db.conn.executemany(
                "INSERT OR REPLACE INTO label_changes (dataset_path, sample_id, given_label,"
                " new_label, score, created_at) VALUES (?, ?, ?, ?, ?, ?)", rows)

    def label_changes(self, dataset_path: str | os.PathLike[str]) -> tuple[LabelChange, ...]:
        """The dataset's changes, oldest first."""
        with self._read() as db:
            rows = db.execute(
                "SELECT sample_id, given_label, new_label, score, created_at FROM label_changes"
                " WHERE dataset_path = ? ORDER BY created_at, sample_id",
                [dataset_key(dataset_path)]).fetchall()
        return tuple(LabelChange(*row) for row in rows)

    def remove_label_changes(self, dataset_path: str | os.PathLike[str],
                             sample_ids: Iterable[str]) -> int:
        """Forget the changes of ``sample_ids`` (undo); how many there were."""
        key = dataset_key(dataset_path)
        ids = list(dict.fromkeys(str(s) for s in sample_ids))
        if not ids:
            return 0
        with self._write() as db:
            cursor = db.conn.executemany(
                "DELETE FROM label_changes WHERE dataset_path = ? AND sample_id = ?",
                [(key, sample_id) for sample_id in ids])
            return cursor.rowcount
