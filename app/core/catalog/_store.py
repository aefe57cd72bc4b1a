"""The :class:`Catalog`: every run ModelDesk trains, with its dataset, metrics and files."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from app.core.catalog._exports import CatalogExports
from app.core.catalog._files import file_digest, remove_run_folder, to_stored
from app.core.catalog._import import CatalogImport
from app.core.catalog._label_changes import CatalogLabelChanges
from app.core.catalog._liveness import CatalogLiveness
from app.core.catalog._metrics import insert_points
from app.core.catalog._reading import CatalogReader
from app.core.catalog._records import (
    ArtifactRecord,
    artifact_from_row,
    check_uid,
    nan_to_none,
    new_uid,
    utc_now,
)
from app.core.catalog._registry import CatalogRegistry, refuse_deleting_registered
from app.core.catalog._run_query import check_status
from app.core.catalog._studies import CatalogStudies
from app.core.catalog._trash import CatalogTrash
from app.core.errors import CatalogError
from app.core.statuses import QUEUED, RUNNING, TERMINAL_STATUSES


class Catalog(CatalogImport, CatalogRegistry, CatalogExports, CatalogLiveness, CatalogTrash,
              CatalogStudies, CatalogLabelChanges, CatalogReader):
    """A local SQLite catalog of datasets, runs, metric histories, artifacts and tags.

    Thread and process safety: no connection is shared. Each method opens its own connection,
    runs exactly one transaction and closes the connection, so one instance may be shared by any
    number of threads, and any number of processes may open the same file. (The object also
    holds one idle "anchor" connection that is never queried; it only keeps the write-ahead log
    open so that closing each operation's connection does not checkpoint it. ``close()`` or
    garbage collection releases it; the object keeps working after ``close()``.)
    Writes begin with ``BEGIN IMMEDIATE`` and wait up to 10 s (the busy timeout) for another
    writer; the file is in WAL mode, so reads never wait for writes and see a consistent
    snapshot. Each write method is atomic: a process killed at any moment leaves either all of a
    call's changes or none of them. Records returned are frozen snapshots and never change.

    Deleting is two-step: ``trash_runs`` hides runs from ``list_runs``/``count_runs`` (pass
    ``trashed=True`` to list the trash) but keeps everything; ``restore_runs`` undoes it and
    ``empty_trash`` deletes rows and folders. ``get_run``, ``compare_runs`` and every other
    by-id operation still work on trashed runs. ``delete_run`` deletes one run at once.

    Every run and dataset has an integer ``id``, local to this file, and a ``uid`` (32 hex
    digits) that is unique everywhere, so runs copied between catalogs keep their identity; a
    run's folder is ``<runs folder>/<uid>`` (``<id>`` for runs made before schema version 3).
    Runs form lineages through ``parent_run_id`` (``lineage``) and studies through
    ``study_id`` (``create_study``, ``get_study``, ``update_study_best``).

    ``Catalog(path, read_only=True)`` (or ``Catalog.open_read_only(path)``) never creates,
    migrates or writes the file; every write method raises :class:`CatalogError`.

    Crash safety: a run records the process that created it and, once training, the process
    that trains it (``pid``, ``hostname``) and its last ``heartbeat``; ``interrupted_runs``
    finds running or queued runs whose process is gone and ``mark_interrupted`` ends them.

    Timestamps are UTC ISO-8601 strings (``2026-05-09T07:35:25.123456Z``), fixed width so that
    text order is time order. Paths under the runs folder (``<stem>_runs`` next to the file) are
    stored relative to it, so a catalog moved together with that folder keeps its files.

    Raises:
        CatalogError: the file is not a catalog, was written by a newer ModelDesk, is locked for
            longer than the busy timeout, or a run/dataset asked for does not exist.
    """

    # ----------------------------------------------------------------------------- datasets

    def register_dataset(
        self,
        path: str | os.PathLike[str],
        kind: str,
        fingerprint: str,
        class_names: Sequence[str],
        class_counts: Mapping[str, int],
        num_samples: int,
        report: Mapping[str, Any] | None = None,
    ) -> int:
        """Record a dataset (path made absolute); return the existing id for a known pair.

        ``report`` is the load's validation report (``ValidationReport.to_dict()``), kept so a
        run's details can say what was skipped and why; a known dataset's report is replaced
        by a newer one and kept when none is given.
        """
        row = {
            "uid": new_uid(),
            "path": str(Path(path).expanduser().absolute()),
            "kind": kind,
            "fingerprint": fingerprint,
            "class_names": json.dumps(list(class_names)),
            "class_counts": json.dumps({str(k): int(v) for k, v in class_counts.items()}),
            "num_samples": int(num_samples),
            "created_at": utc_now(),
            "report": None if report is None else self._json(report, "validation report"),
        }
        with self._write() as db:
            db.execute(
                "INSERT INTO datasets (uid, path, kind, fingerprint, class_names, class_counts,"
                " num_samples, created_at, report) VALUES (:uid, :path, :kind, :fingerprint,"
                " :class_names, :class_counts, :num_samples, :created_at, :report)"
                " ON CONFLICT (fingerprint, path)"
                " DO UPDATE SET report = COALESCE(excluded.report, datasets.report)",
                row,
            )
            found = db.execute(
                "SELECT id FROM datasets WHERE fingerprint = :fingerprint AND path = :path", row
            ).fetchone()
            return int(found[0])

    # ----------------------------------------------------------------------------- run lifecycle

    def create_run(
        self,
        *,
        name: str,
        model: str,
        dataset_id: int,
        config: Mapping[str, Any],
        seed: int | None,
        total_epochs: int | None,
        environment: Mapping[str, Any],
        status: str = QUEUED,
        parent_run_id: int | None = None,
        uid: str | None = None,
        study_id: int | None = None,
        trial_number: int | None = None,
        reproduces_run_id: int | None = None,
    ) -> int:
        """Add a run and return its id (ids are never reused, even after deletes).

        ``uid`` is generated unless given (a run copied from another catalog keeps its own);
        the run's folder is named by it. ``study_id``/``trial_number`` make the run a trial;
        ``reproduces_run_id`` names the run it re-runs from that run's stored config.
        The calling process's id and host name are recorded, so a queued run whose creator
        died is found by ``interrupted_runs``.

        Raises:
            CatalogError: the dataset, parent run or study does not exist, the uid is
                malformed or taken, or a trial number comes without a study.
        """
        run_uid = new_uid() if uid is None else check_uid(uid)
        if trial_number is not None and study_id is None:
            raise CatalogError("a trial number needs the study the trial belongs to")
        row = {
            "uid": run_uid,
            "name": name,
            "status": check_status(status),
            "model": model,
            "dataset_id": int(dataset_id),
            "parent_run_id": parent_run_id,
            "study_id": None if study_id is None else int(study_id),
            "trial_number": None if trial_number is None else int(trial_number),
            "reproduces_run_id": None if reproduces_run_id is None else int(reproduces_run_id),
            "config": self._json(config, "run config"),
            "seed": seed,
            "total_epochs": total_epochs,
            "environment": self._json(environment, "environment"),
            "created_at": utc_now(),
            "run_dir": run_uid,
            "pid": os.getpid(),
            "hostname": socket.gethostname(),
        }
        with self._write() as db:
            self._dataset(db, dataset_id)
            for linked in (parent_run_id, reproduces_run_id):
                if linked is not None:
                    self._require_run(db, linked)
            if study_id is not None:
                self._require_study(db, study_id)
            taken = db.execute("SELECT id FROM runs WHERE uid = ?", [run_uid]).fetchone()
            if taken is not None:
                raise CatalogError(f"run {taken[0]} in {self._path} already has the uid {run_uid}")
            columns = ", ".join(row)
            values = ", ".join(f":{column}" for column in row)
            cursor = db.execute(f"INSERT INTO runs ({columns}) VALUES ({values})", row)
            return int(cursor.lastrowid or 0)

    def mark_running(self, run_id: int, *, device: str, pid: int, hostname: str) -> None:
        """Status → running under this process; the first heartbeat; ``started_at`` keeps the
        first start across resumes."""
        now = utc_now()
        self._update(
            run_id,
            {"status": RUNNING, "device": device, "pid": int(pid), "hostname": hostname,
             "finished_at": None, "message": "", "heartbeat_at": now},
            started_at=now,
        )  # fmt: skip

    def log_metrics(
        self, run_id: int, points: Iterable[tuple[str, int, int | None, float]]
    ) -> None:
        """Log ``(key, step, epoch, value)`` points in one transaction; re-logged steps replace.

        All points of one call share one timestamp (now).
        """
        batch = list(points)
        if not batch:
            return
        with self._write() as db:
            self._require_run(db, run_id)
            ids = insert_points(db, run_id, batch, self._metric_key_ids)
        self._metric_key_ids.update(ids)  # committed: safe to remember

    def update_progress(
        self,
        run_id: int,
        *,
        epochs_done: int,
        best_val_metric_name: str | None = None,
        best_val_metric: float | None = None,
        best_epoch: int | None = None,
        final_train_loss: float | None = None,
        final_val_loss: float | None = None,
        final_val_accuracy: float | None = None,
    ) -> None:
        """Update the denormalised progress columns; arguments left ``None`` keep their value."""
        optional = {
            "best_val_metric_name": best_val_metric_name,
            "best_val_metric": best_val_metric,
            "best_epoch": best_epoch,
            "final_train_loss": final_train_loss,
            "final_val_loss": final_val_loss,
            "final_val_accuracy": final_val_accuracy,
        }
        fields = {"epochs_done": int(epochs_done)}
        fields.update({key: value for key, value in optional.items() if value is not None})
        self._update(run_id, fields)

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        message: str = "",
        wall_seconds: float | None = None,
        test_metrics: Mapping[str, Any] | None = None,
        health: str | None = None,
    ) -> None:
        """End a run with a terminal status (:data:`~app.core.statuses.TERMINAL_STATUSES`).

        ``test_metrics['accuracy']``/``['macro_f1']`` also fill sortable columns. ``health``
        is a short verdict on how it learned (``"not learning"``), kept when ``None``.
        """
        if check_status(status) not in TERMINAL_STATUSES:
            allowed = ", ".join(sorted(TERMINAL_STATUSES))
            raise CatalogError(f"a run cannot finish as {status!r}; use one of {allowed}")
        fields: dict[str, Any] = {"status": status, "message": message, "finished_at": utc_now()}
        if wall_seconds is not None:
            fields["wall_seconds"] = float(wall_seconds)
        if test_metrics is not None:
            fields["test_metrics"] = self._json(test_metrics, "test metrics")
            fields["test_accuracy"] = _number(test_metrics.get("accuracy"))
            fields["test_macro_f1"] = _number(test_metrics.get("macro_f1"))
        if health is not None:
            fields["health"] = str(health)
        self._update(run_id, fields)

    def set_status(self, run_id: int, status: str, message: str = "") -> None:
        """Set the status; a terminal status also sets ``finished_at`` if it is still empty."""
        terminal = check_status(status) in TERMINAL_STATUSES
        self._update(
            run_id,
            {"status": status, "message": message},
            finished_at=utc_now() if terminal else None,
        )

    # ----------------------------------------------------------------------------- files, tags

    def add_artifact(
        self, run_id: int, kind: str, path: str | os.PathLike[str], format: str
    ) -> ArtifactRecord:
        """Record a file with its size and sha256 (hashed before the write lock is taken)."""
        file = Path(path).expanduser().absolute()
        size, sha256 = file_digest(file)
        row = {
            "run_id": int(run_id), "kind": kind, "path": to_stored(file, self.runs_root),
            "format": format, "size_bytes": size, "sha256": sha256, "created_at": utc_now(),
        }  # fmt: skip
        with self._write() as db:
            self._require_run(db, run_id)
            stored = db.query(
                "INSERT INTO artifacts (run_id, kind, path, format, size_bytes, sha256, created_at)"
                " VALUES (:run_id, :kind, :path, :format, :size_bytes, :sha256, :created_at)"
                " ON CONFLICT (run_id, kind, path) DO UPDATE SET format = excluded.format,"
                " size_bytes = excluded.size_bytes, sha256 = excluded.sha256,"
                " created_at = excluded.created_at RETURNING *",
                row,
            )
            return artifact_from_row(next(stored), self.runs_root)

    def add_tag(self, run_id: int, tag: str) -> None:
        self._change_tags(run_id, add=[tag])

    def remove_tag(self, run_id: int, tag: str) -> None:
        self._change_tags(run_id, remove=[tag])

    def set_tags(self, run_id: int, tags: Iterable[str]) -> None:
        """Replace all tags of a run."""
        self._change_tags(run_id, add=list(tags), clear=True)

    def set_notes(self, run_id: int, text: str) -> None:
        self._update(run_id, {"notes": text})

    def delete_run(self, run_id: int) -> None:
        """Delete the run's rows (metrics, artifacts, tags cascade), then its folder.

        Rows go first: a crash in between leaves an orphan folder (ids are never reused, so it
        collides with nothing), never a row pointing at deleted files. Children fine-tuned
        from this run, and its reproductions, keep existing with the link cleared. A run that
        a model version stands for is kept until that version is archived (CatalogError).
        """
        with self._write() as db:
            folder = self._run(db, run_id).run_dir
            refuse_deleting_registered(db, [run_id], f"delete run {run_id}")
            db.execute("DELETE FROM runs WHERE id = ?", (int(run_id),))
        remove_run_folder(folder, self.runs_root)

    def _change_tags(
        self,
        run_id: int,
        *,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        clear: bool = False,
    ) -> None:
        added = [_clean_tag(tag) for tag in add]
        removed = [_clean_tag(tag) for tag in remove]
        with self._write() as db:
            self._require_run(db, run_id)
            if clear:
                db.execute("DELETE FROM tags WHERE run_id = ?", (int(run_id),))
            for tag in removed:
                db.execute("DELETE FROM tags WHERE run_id = ? AND tag = ?", (int(run_id), tag))
            for tag in added:
                db.execute("INSERT OR IGNORE INTO tags (run_id, tag) VALUES (?, ?)", (run_id, tag))


def _clean_tag(tag: str) -> str:
    cleaned = str(tag).strip()
    if not cleaned:
        raise CatalogError("a tag cannot be empty")
    return cleaned


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return nan_to_none(value)
