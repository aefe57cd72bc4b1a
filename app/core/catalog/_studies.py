"""Studies: a grid or a search whose trials are runs (``runs.study_id``, ``trial_number``).

The shape is Optuna's: a study has a search space, a sampler, an objective metric and its
direction, and trials belong to it. The catalog stores the study and answers what the window
and a search loop ask of it (how many trials in which state, which trial is best); choosing
trials is not its business. ``ensure_study`` lets every process or job of one search register
the study under one uid without coordinating: the first creates it, the others get its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from app.core.catalog._base import CatalogBase
from app.core.catalog._compare import higher_is_better
from app.core.catalog._records import StudyRecord, check_uid, new_uid, study_from_row, utc_now
from app.core.errors import CatalogError
from app.core.statuses import COMPLETED

STUDY_KINDS: tuple[str, ...] = ("grid", "search")
STUDY_STATUSES: tuple[str, ...] = ("running", "completed", "stopped", "failed")
STUDY_DIRECTIONS: tuple[str, ...] = ("maximize", "minimize")

_FINISHED = frozenset(STUDY_STATUSES) - {"running"}
_COLUMN_METRICS = frozenset(
    {"test_accuracy", "test_macro_f1", "final_val_accuracy", "final_val_loss", "final_train_loss"}
)
"""Metrics read from their own column; any other name is matched to ``best_val_metric_name``."""

_COUNTS = (
    "SELECT study_id, status, count(*) AS n FROM runs"
    " WHERE study_id IS NOT NULL AND +trashed_at IS NULL"
)


class CatalogStudies(CatalogBase):
    """Create, read, finish and rank studies; each call one short transaction."""

    def create_study(
        self,
        *,
        name: str,
        kind: str,
        space: Mapping[str, Any],
        sampler: str,
        metric: str | None = None,
        direction: str | None = None,
        planned_trials: int | None = None,
        settings: Mapping[str, Any] | None = None,
        uid: str | None = None,
    ) -> int:
        """Add a study and return its id; ``uid`` is generated unless given.

        Raises:
            CatalogError: a bad kind, direction or trial count, or the uid is taken.
        """
        row = _study_row(
            name=name,
            kind=kind,
            space=space,
            sampler=sampler,
            metric=metric,
            direction=direction,
            planned_trials=planned_trials,
            settings=settings,
            uid=uid,
        )
        with self._write() as db:
            taken = db.execute("SELECT id FROM studies WHERE uid = ?", [row["uid"]]).fetchone()
            if taken is not None:
                raise CatalogError(
                    f"study {taken[0]} in {self._path} already has the uid {row['uid']}"
                )
            return _insert(db, row)

    def ensure_study(
        self,
        *,
        name: str,
        kind: str,
        space: Mapping[str, Any],
        sampler: str,
        metric: str | None = None,
        direction: str | None = None,
        planned_trials: int | None = None,
        settings: Mapping[str, Any] | None = None,
        uid: str,
    ) -> int:
        """Like ``create_study``, but return the existing study's id when ``uid`` is known.

        Idempotent across processes (the lookup and insert share one write transaction); an
        existing study is returned as it is, its other fields are not compared or updated.
        """
        row = _study_row(
            name=name,
            kind=kind,
            space=space,
            sampler=sampler,
            metric=metric,
            direction=direction,
            planned_trials=planned_trials,
            settings=settings,
            uid=uid,
        )
        with self._write() as db:
            found = db.execute("SELECT id FROM studies WHERE uid = ?", [row["uid"]]).fetchone()
            return int(found[0]) if found is not None else _insert(db, row)

    def get_study(self, study_id: int) -> StudyRecord:
        with self._read() as db:
            row = self._study_row_in(db, study_id)
            counts = db.execute(_COUNTS + " AND study_id = ? GROUP BY study_id, status",
                                [int(study_id)]).fetchall()  # fmt: skip
        return study_from_row(row, {status: n for _, status, n in counts})

    def list_studies(self) -> list[StudyRecord]:
        """Every study, oldest first."""
        with self._read() as db:
            rows = list(db.query("SELECT * FROM studies ORDER BY id"))
            counts: dict[int, dict[str, int]] = {}
            for study_id, status, n in db.execute(_COUNTS + " GROUP BY study_id, status"):
                counts.setdefault(study_id, {})[status] = n
        return [study_from_row(row, counts.get(row["id"], {})) for row in rows]

    def finish_study(self, study_id: int, status: str) -> None:
        """End a study as completed, stopped or failed (``finished_at`` set to now)."""
        if status not in _FINISHED:
            raise CatalogError(
                f"a study cannot finish as {status!r}; use one of {', '.join(sorted(_FINISHED))}"
            )
        with self._write() as db:
            cursor = db.execute(
                "UPDATE studies SET status = ?, finished_at = ? WHERE id = ?",
                [status, utc_now(), int(study_id)],
            )
            if cursor.rowcount == 0:
                raise CatalogError(f"no study {study_id} in {self._path}")

    def reopen_study(
        self,
        study_id: int,
        *,
        planned_trials: int | None,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """A finished search continues (its budget was raised, or it was stopped): ``running``
        again, ``finished_at`` cleared, the new budget and settings stored."""
        if planned_trials is not None and (isinstance(planned_trials, bool) or planned_trials < 1):
            raise CatalogError(f"planned_trials must be a positive number, not {planned_trials!r}")
        with self._write() as db:
            self._study_row_in(db, study_id)
            db.execute(
                "UPDATE studies SET status = 'running', finished_at = NULL, planned_trials = ?,"
                " settings = COALESCE(?, settings) WHERE id = ?",
                [planned_trials, None if settings is None
                 else CatalogBase._json(settings, "study settings"), int(study_id)])

    def update_study_best(self, study_id: int) -> int | None:
        """Find the study's best completed live trial, store it as ``best_run_id``, return it.

        The metric is the study's: ``test_accuracy`` and the other denormalised metrics come
        from their columns; any other name (``val_accuracy``, ``val_loss``) from
        ``best_val_metric`` of the trials whose ``best_val_metric_name`` is that name. Without
        a metric, the name of the first completed trial's best validation metric is used. The
        direction is the study's, else implied by the name; ties go to the earliest trial.
        ``None`` (stored too) when no trial qualifies or the direction cannot be told.
        """
        with self._write() as db:
            study = self._study_row_in(db, study_id)
            best = _best_trial(db, int(study_id), study["metric"], study["direction"])
            db.execute("UPDATE studies SET best_run_id = ? WHERE id = ?", [best, int(study_id)])
            return best

    def _study_row_in(self, db: Database, study_id: int) -> dict[str, Any]:
        rows = list(db.query("SELECT * FROM studies WHERE id = ?", [int(study_id)]))
        if not rows:
            raise CatalogError(f"no study {study_id} in {self._path}")
        return rows[0]


def _study_row(
    *,
    name: str,
    kind: str,
    space: Mapping[str, Any],
    sampler: str,
    metric: str | None,
    direction: str | None,
    planned_trials: int | None,
    settings: Mapping[str, Any] | None,
    uid: str | None,
) -> dict[str, Any]:
    """The validated ``studies`` row for ``create_study``/``ensure_study`` arguments."""
    if not str(name).strip():
        raise CatalogError("a study needs a name")
    if kind not in STUDY_KINDS:
        raise CatalogError(f"unknown study kind {kind!r}; use one of {', '.join(STUDY_KINDS)}")
    if direction is not None and direction not in STUDY_DIRECTIONS:
        raise CatalogError(
            f"unknown direction {direction!r}; use one of {', '.join(STUDY_DIRECTIONS)}"
        )
    if planned_trials is not None and (isinstance(planned_trials, bool) or planned_trials < 1):
        raise CatalogError(f"planned_trials must be a positive number, not {planned_trials!r}")
    return {
        "uid": new_uid() if uid is None else check_uid(uid),
        "name": str(name),
        "kind": kind,
        "space": CatalogBase._json(space, "search space"),
        "sampler": str(sampler),
        "metric": metric,
        "direction": direction,
        "planned_trials": None if planned_trials is None else int(planned_trials),
        "settings": CatalogBase._json(settings or {}, "study settings"),
        "created_at": utc_now(),
    }


def _insert(db: Database, row: Mapping[str, Any]) -> int:
    columns = ", ".join(row)
    values = ", ".join(f":{column}" for column in row)
    cursor = db.execute(f"INSERT INTO studies ({columns}) VALUES ({values})", dict(row))
    return int(cursor.lastrowid or 0)


def _best_trial(
    db: Database, study_id: int, metric: str | None, direction: str | None
) -> int | None:
    trials = (
        f" FROM runs WHERE study_id = :study AND status = '{COMPLETED}' AND +trashed_at IS NULL"
    )
    params: dict[str, Any] = {"study": study_id}
    if metric is None:
        first = db.execute(
            "SELECT best_val_metric_name" + trials + " AND best_val_metric IS NOT NULL"
            " ORDER BY trial_number NULLS LAST, id LIMIT 1", params,
        ).fetchone()  # fmt: skip
        if first is None or first[0] is None:
            return None
        metric = str(first[0])
    if metric in _COLUMN_METRICS:
        column = metric
    else:
        column = "best_val_metric"
        trials += " AND best_val_metric_name = :metric"
        params["metric"] = metric
    higher = direction == "maximize" if direction is not None else higher_is_better(metric)
    if higher is None:
        return None
    order = "DESC" if higher else "ASC"
    found = db.execute(
        f"SELECT id{trials} AND {column} IS NOT NULL"
        f" ORDER BY {column} {order}, trial_number NULLS LAST, id LIMIT 1", params,
    ).fetchone()  # fmt: skip
    return None if found is None else int(found[0])
