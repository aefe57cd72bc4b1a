"""State and private helpers shared by the catalog's read and write halves."""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Self

from sqlite_utils import Database

from app.core.catalog import _queries, _schema
from app.core.catalog._connection import ensure_wal, open_anchor, transaction
from app.core.catalog._identity import check_identity
from app.core.catalog._records import DatasetRecord, RunRecord, dataset_from_row, to_json
from app.core.catalog._snapshot import read_only_source, remove_copy
from app.core.errors import CatalogError


class CatalogBase:
    """Opens (creating and migrating) the file; knows where runs live; opens transactions.

    With ``read_only=True`` nothing is created, switched, migrated or written: operations read
    through ``mode=ro`` connections, and an older schema is read from a migrated private copy
    (see :mod:`._snapshot`), which ``close()`` or garbage collection deletes.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self._path = Path(path).expanduser().absolute()
        self._read_only = bool(read_only)
        self._copy: Path | None = None
        self._metric_key_ids: dict[str, int] = {}  # committed ``metric_keys`` rows, by key
        if self._path.is_dir():
            raise CatalogError(f"{self._path} is a folder; the catalog must be a file")
        if self._read_only:
            self._copy = read_only_source(self._path)
            copies = [self._copy] if self._copy is not None else []
            self._release = weakref.finalize(self, _remove_copies, copies)
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CatalogError(
                f"cannot create the folder for the catalog {self._path}: {exc}"
            ) from exc
        check_identity(self._path)  # before ensure_wal: a file not ours stays byte-for-byte
        ensure_wal(self._path)
        if self.schema_version() != _schema.latest_version():
            with self._write() as db:  # re-checks the version inside the lock
                _schema.migrate(db, self._path)
        anchor = open_anchor(self._path)
        self._release = weakref.finalize(self, anchor.close)

    @classmethod
    def open_read_only(cls, path: str | os.PathLike[str]) -> Self:
        """``cls(path, read_only=True)``: for inspecting or importing someone else's catalog."""
        return cls(path, read_only=True)

    def close(self) -> None:
        """Let go of the file's idle anchor connection (operations still work afterwards).

        Optional: garbage collection does the same. Closing the last connection merges the
        write-ahead log back into the catalog file. A read-only catalog that reads a migrated
        copy deletes the copy, and its operations raise :class:`CatalogError` afterwards.
        """
        self._release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = ", read_only=True" if self._read_only else ""
        return f"Catalog({str(self._path)!r}{mode})"

    @property
    def path(self) -> Path:
        return self._path

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def runs_root(self) -> Path:
        """Folder holding one sub-folder per run: ``<catalog folder>/<file stem>_runs``."""
        return self._path.parent / f"{self._path.stem}_runs"

    def schema_version(self) -> int:
        with self._read() as db:
            return _schema.read_version(db)

    def _read(self) -> AbstractContextManager[Database]:
        if self._copy is None:
            return transaction(self._path, write=False, read_only=self._read_only)
        if not self._release.alive:
            raise CatalogError(f"the read-only catalog {self._path} was closed; open it again")
        return transaction(self._copy, write=False, read_only=True, shown_as=self._path)

    def _write(self) -> AbstractContextManager[Database]:
        if self._read_only:
            raise CatalogError(
                f"the catalog {self._path} was opened read-only; open it without "
                "read_only to change it"
            )
        return transaction(self._path, write=True)

    def _no_run(self, run_id: int) -> CatalogError:
        return CatalogError(f"no run {run_id} in {self._path}")

    def _run(self, db: Database, run_id: int) -> RunRecord:
        run = _queries.select_run(db, self.runs_root, run_id)
        if run is None:
            raise self._no_run(run_id)
        return run

    def _require_run(self, db: Database, run_id: int) -> None:
        if db.execute("SELECT 1 FROM runs WHERE id = ?", (int(run_id),)).fetchone() is None:
            raise self._no_run(run_id)

    def _require_study(self, db: Database, study_id: int) -> None:
        if db.execute("SELECT 1 FROM studies WHERE id = ?", (int(study_id),)).fetchone() is None:
            raise CatalogError(f"no study {study_id} in {self._path}")

    def _dataset(self, db: Database, dataset_id: int) -> DatasetRecord:
        dataset = self._find_dataset(db, dataset_id)
        if dataset is None:
            raise CatalogError(f"no dataset {dataset_id} in {self._path}")
        return dataset

    def _find_dataset(self, db: Database, dataset_id: int) -> DatasetRecord | None:
        rows = list(db.query("SELECT * FROM datasets WHERE id = ?", [int(dataset_id)]))
        return dataset_from_row(rows[0]) if rows else None

    def _update(self, run_id: int, fields: Mapping[str, Any], **if_unset: Any) -> None:
        """One UPDATE of ``fields``; ``if_unset`` columns change only while they are NULL."""
        assignments = [f"{column} = :{column}" for column in fields]
        assignments += [f"{column} = COALESCE({column}, :{column})" for column in if_unset]
        params = {**fields, **if_unset, "run_id": int(run_id)}
        with self._write() as db:
            cursor = db.execute(
                f"UPDATE runs SET {', '.join(assignments)} WHERE id = :run_id", params
            )
            if cursor.rowcount == 0:
                raise self._no_run(run_id)

    @staticmethod
    def _json(value: Mapping[str, Any], what: str) -> str:
        try:
            return to_json(value)
        except (TypeError, ValueError) as exc:
            raise CatalogError(f"the {what} cannot be stored: {exc}") from exc


def _remove_copies(copies: list[Path]) -> None:
    for copy in copies:
        remove_copy(copy)
