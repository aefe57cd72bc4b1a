"""Derived models: files made from a run's model after training (schema v6 ``model_exports``).

An ONNX or ``torch.export`` file, a standalone bundle, an int8 or pruned version: each is one
row naming its run, its source (a derived model it was made from, or none for the run's own
weights), its file with size and sha256, and its check. ``status`` is ``passed``, ``failed``
or ``unchecked``; ``details`` holds the check's figures (parity, size, latency, accuracy,
opset) as JSON. A failed check is recorded like a passed one, so it is shown, never hidden.
The file must exist when it is recorded: a row never points at a half-written file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sqlite_utils import Database

from app.core.catalog._base import CatalogBase
from app.core.catalog._files import file_digest, from_stored, to_stored
from app.core.catalog._records import new_uid, utc_now
from app.core.errors import CatalogError

EXPORT_STATUSES: tuple[str, ...] = ("passed", "failed", "unchecked")


@dataclass(frozen=True)
class ExportRecord:
    """One derived model: what it is, where its file is, and how its check went."""

    id: int
    uid: str
    run_id: int
    source_export_id: int | None
    kind: str
    format: str
    path: Path
    size_bytes: int
    sha256: str
    status: str
    details: Mapping[str, Any]
    created_at: str


class CatalogExports(CatalogBase):
    """``add_export``, ``update_export_check``, ``get_export``, ``list_exports``."""

    def add_export(
        self,
        run_id: int,
        *,
        kind: str,
        format: str,
        path: str | os.PathLike[str],
        status: str = "unchecked",
        details: Mapping[str, Any] | None = None,
        source_export_id: int | None = None,
    ) -> ExportRecord:
        """Record a finished file (hashed before the write lock is taken) and return its row.

        Raises:
            CatalogError: no such run or source, a bad status, or the file does not exist.
        """
        _check_status(status)
        file = Path(path).expanduser().absolute()
        if not file.is_file():
            raise CatalogError(f"cannot record {file}: the file does not exist")
        size, sha256 = file_digest(file)
        row = {
            "uid": new_uid(), "run_id": int(run_id), "kind": str(kind), "format": str(format),
            "source_export_id": None if source_export_id is None else int(source_export_id),
            "path": to_stored(file, self.runs_root), "size_bytes": size, "sha256": sha256,
            "status": status, "details": _json(details), "created_at": utc_now(),
        }  # fmt: skip
        with self._write() as db:
            self._require_run(db, run_id)
            if row["source_export_id"] is not None:
                self._export_row(db, row["source_export_id"])
            stored = db.query(
                "INSERT INTO model_exports (uid, run_id, source_export_id, kind, format, path,"
                " size_bytes, sha256, status, details, created_at) VALUES (:uid, :run_id,"
                " :source_export_id, :kind, :format, :path, :size_bytes, :sha256, :status,"
                " :details, :created_at) RETURNING *", row)
            return self._export_record(next(stored))

    def update_export_check(
        self, export_id: int, *, status: str, details: Mapping[str, Any]
    ) -> ExportRecord:
        """Replace a derived model's check result (a re-run parity check, new measurements)."""
        _check_status(status)
        with self._write() as db:
            self._export_row(db, export_id)
            db.execute("UPDATE model_exports SET status = ?, details = ? WHERE id = ?",
                       [status, _json(details), int(export_id)])
            return self._export_record(self._export_row(db, export_id))

    def get_export(self, export_id: int) -> ExportRecord:
        with self._read() as db:
            return self._export_record(self._export_row(db, export_id))

    def list_exports(
        self, run_id: int | None = None, *, source_export_id: int | None = None
    ) -> list[ExportRecord]:
        """Derived models, oldest first: of one run, made from one source, or all."""
        where, args = [], []
        if run_id is not None:
            where.append("run_id = ?")
            args.append(int(run_id))
        if source_export_id is not None:
            where.append("source_export_id = ?")
            args.append(int(source_export_id))
        sql = "SELECT * FROM model_exports" + (" WHERE " + " AND ".join(where) if where else "")
        with self._read() as db:
            return [self._export_record(row) for row in db.query(sql + " ORDER BY id", args)]

    def _export_row(self, db: Database, export_id: int) -> dict[str, Any]:
        row = next(db.query("SELECT * FROM model_exports WHERE id = ?", [int(export_id)]), None)
        if row is None:
            raise CatalogError(f"no exported model {export_id} in {self._path}")
        return row

    def _export_record(self, row: Mapping[str, Any]) -> ExportRecord:
        return ExportRecord(
            id=row["id"], uid=row["uid"], run_id=row["run_id"],
            source_export_id=row["source_export_id"], kind=row["kind"], format=row["format"],
            path=from_stored(row["path"], self.runs_root), size_bytes=row["size_bytes"],
            sha256=row["sha256"], status=row["status"],
            details=MappingProxyType(json.loads(row["details"] or "{}")),
            created_at=row["created_at"],
        )  # fmt: skip


def _check_status(status: str) -> None:
    if status not in EXPORT_STATUSES:
        raise CatalogError(f"unknown export status {status!r}; expected one of "
                           f"{', '.join(EXPORT_STATUSES)}")


def _json(details: Mapping[str, Any] | None) -> str:
    try:
        return json.dumps(dict(details or {}), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise CatalogError(f"the export's details cannot be stored as JSON ({error})") from None
