"""Importing runs from another catalog: a worker's, a colleague's, another machine's.

Runs are matched by uid, so importing the same catalog twice adds nothing the second time,
and a run that went from A to B and back is still one run. With a run come its dataset (by
uid, else the same fingerprint at the same path), its study (by uid, its best trial then
recomputed over every trial this catalog holds), its metric history, tags, notes, files
(copied and checked, see :mod:`._import_files`), exports and its lineage: a parent or
reproduced run already here, or imported in the same call, is linked; one that is in neither
catalog is left unlinked and said so. All rows of one import are one transaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.catalog._base import CatalogBase
from app.core.catalog._import_files import CopiedRun, copy_run_files, remove_copies
from app.core.catalog._import_source import SourceRows, read_source
from app.core.catalog._metrics import key_ids
from app.core.catalog._studies import _best_trial
from app.core.errors import CatalogError

_NOT_COPIED = {"id", "dataset_id", "parent_run_id", "reproduces_run_id", "study_id"}


@dataclass(frozen=True)
class ImportReport:
    """What one import did, for the console and the window."""

    source: Path
    imported: tuple[int, ...]  # the new runs' ids in this catalog
    already_here: int
    still_training: int
    datasets_added: int
    studies_added: int
    metric_points: int
    files: int
    bytes: int
    problems: tuple[str, ...]

    def summary(self) -> str:
        text = (f"imported {len(self.imported)} run(s) from {self.source} "
                f"({self.metric_points:,} metric points, {self.files} files, "
                f"{self.bytes / 1e6:.1f} MB; {self.datasets_added} new dataset(s), "
                f"{self.studies_added} new study(ies)); {self.already_here} already here")
        if self.still_training:
            text += (f"; {self.still_training} still training there (import again when "
                     "they finish)")
        return text


class CatalogImport(CatalogBase):
    def import_runs(self, source_path: str | os.PathLike[str]) -> ImportReport:
        """Copy the finished runs of the catalog at ``source_path`` that this one lacks.

        Raises:
            CatalogError: the source is this catalog, is not a catalog, or a file cannot be
                copied; nothing is imported then.
        """
        source_file = Path(source_path).expanduser().absolute()
        if source_file.exists() and self._path.exists() and source_file.samefile(self._path):
            raise CatalogError(f"{source_file} is this catalog; name another catalog to import")
        if not source_file.is_file():
            raise CatalogError(f"cannot import from {source_file}: no such file")
        source = CatalogBase(source_file, read_only=True)
        try:
            rows = read_source(source)
        finally:
            source.close()
        with self._read() as db:
            here = {uid for (uid,) in db.execute("SELECT uid FROM runs")}
        new = [run for run in rows.runs if run["uid"] not in here]
        copies = [copy_run_files(run, rows.artifacts[run["id"]], rows.exports[run["id"]],
                                 rows.runs_root, self.runs_root) for run in new]
        try:
            return self._insert_import(rows, new, copies, len(rows.runs) - len(new))
        except BaseException:
            remove_copies(copies, self.runs_root)
            raise

    def _insert_import(self, rows: SourceRows, new: list[dict[str, Any]],
                       copies: list[CopiedRun], already_here: int) -> ImportReport:
        problems = [problem for copied in copies for problem in copied.problems]
        counts = {"datasets": 0, "studies": 0, "points": 0}
        imported: list[int] = []
        with self._write() as db:
            run_ids = dict(db.execute("SELECT uid, id FROM runs").fetchall())
            taken = [run["uid"] for run in new if run["uid"] in run_ids]
            if taken:  # another import of the same runs committed in the meantime
                raise CatalogError(f"runs {', '.join(taken[:3])} were imported meanwhile; "
                                   "import again to add the rest")
            datasets: dict[int, int] = {}
            studies: dict[int, int] = {}
            for run, copied in zip(new, copies, strict=True):
                row = {k: v for k, v in run.items() if k not in _NOT_COPIED}
                row["dataset_id"] = self._imported_dataset(db, rows, run["dataset_id"],
                                                           datasets, counts)
                row["study_id"] = self._imported_study(db, rows, run["study_id"], studies,
                                                       counts)
                for link in ("parent_run_id", "reproduces_run_id"):
                    row[link] = run_ids.get(rows.run_uids.get(run[link]))
                    if run[link] is not None and row[link] is None:
                        problems.append(f"run {run['uid']}: its {link.removesuffix('_id')} "
                                        f"{run[link]} is in neither catalog; left unlinked")
                row["run_dir"] = run["uid"]  # named by uid, like every run made here
                run_id = _insert(db, "runs", row)
                run_ids[run["uid"]] = run_id
                imported.append(run_id)
                counts["points"] += self._imported_metrics(db, run_id, rows.metrics[run["id"]])
                for artifact in copied.artifacts:
                    _insert(db, "artifacts", {**_without(artifact, "id"), "run_id": run_id})
                self._imported_exports(db, run_id, copied.exports)
                db.conn.executemany("INSERT OR IGNORE INTO tags (run_id, tag) VALUES (?, ?)",
                                    [(run_id, tag) for tag in rows.tags[run["id"]]])
            for study_id in set(studies.values()):
                study = dict(next(db.query("SELECT * FROM studies WHERE id = ?", [study_id])))
                best = _best_trial(db, study_id, study["metric"], study["direction"])
                db.execute("UPDATE studies SET best_run_id = ? WHERE id = ?", [best, study_id])
        return ImportReport(
            source=rows.path, imported=tuple(imported), already_here=already_here,
            still_training=rows.still_training, datasets_added=counts["datasets"],
            studies_added=counts["studies"], metric_points=counts["points"],
            files=sum(c.files for c in copies), bytes=sum(c.bytes for c in copies),
            problems=tuple(problems),
        )  # fmt: skip

    def _imported_dataset(self, db: Any, rows: SourceRows, source_id: int,
                          done: dict[int, int], counts: dict[str, int]) -> int:
        if source_id in done:
            return done[source_id]
        dataset = rows.datasets[source_id]
        found = db.execute(
            "SELECT id FROM datasets WHERE uid = ? OR (fingerprint = ? AND path = ?)"
            " ORDER BY uid = ? DESC LIMIT 1",
            [dataset["uid"], dataset["fingerprint"], dataset["path"], dataset["uid"]],
        ).fetchone()
        if found is None:
            counts["datasets"] += 1
            done[source_id] = _insert(db, "datasets", _without(dataset, "id"))
        else:
            done[source_id] = int(found[0])
        return done[source_id]

    def _imported_study(self, db: Any, rows: SourceRows, source_id: int | None,
                        done: dict[int, int], counts: dict[str, int]) -> int | None:
        if source_id is None:
            return None
        if source_id not in done:
            study = rows.studies[source_id]
            found = db.execute("SELECT id FROM studies WHERE uid = ?", [study["uid"]]).fetchone()
            if found is None:
                counts["studies"] += 1
                done[source_id] = _insert(db, "studies",
                                          {**_without(study, "id"), "best_run_id": None})
            else:
                done[source_id] = int(found[0])
        return done[source_id]

    def _imported_metrics(self, db: Any, run_id: int, points: list[tuple]) -> int:
        ids = key_ids(db, (point[0] for point in points), self._metric_key_ids)
        db.conn.executemany(
            "INSERT INTO metrics (run_id, key_id, step, epoch, value, timestamp)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, ids[key], step, epoch, value, stamp)
             for key, step, epoch, value, stamp in points],
        )  # fmt: skip
        return len(points)

    def _imported_exports(self, db: Any, run_id: int, exports: list[dict[str, Any]]) -> None:
        """Exports with their uids; a compressed file's source export is re-pointed too."""
        new_ids: dict[int, int] = {}
        for export in exports:  # by source id: a source export precedes what it produced
            if db.execute("SELECT 1 FROM model_exports WHERE uid = ?",
                          [export["uid"]]).fetchone() is not None:
                continue
            row = {**_without(export, "id"), "run_id": run_id,
                   "source_export_id": new_ids.get(export["source_export_id"])}
            new_ids[export["id"]] = _insert(db, "model_exports", row)


def _without(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in names}


def _insert(db: Any, table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(row)
    values = ", ".join(f":{column}" for column in row)
    cursor = db.execute(f"INSERT INTO {table} ({columns}) VALUES ({values})", row)
    return int(cursor.lastrowid or 0)
