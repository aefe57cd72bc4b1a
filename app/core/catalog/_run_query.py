"""Which runs to list or count: one frozen :class:`RunQuery` for ``list_runs`` and ``count_runs``.

The filters were once keyword arguments repeated on both methods and a private class; the GUI
and batch mode can now build, keep and compare a query as one value, and both methods share
the one ``WHERE`` clause built here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from app.core.errors import CatalogError
from app.core.statuses import RUN_STATUSES


def check_status(status: str) -> str:
    if status not in RUN_STATUSES:
        raise CatalogError(f"unknown run status {status!r}; use one of {', '.join(RUN_STATUSES)}")
    return status


@dataclass(frozen=True)
class RunQuery:
    """Filters on the run table; ``None`` means "any", and all given filters must hold.

    ``status`` is one status or several (any of them). ``text`` matches name, model, notes,
    tags and dataset path, ignoring case. ``trashed`` is never "any": ``False`` selects live
    runs only, ``True`` only runs in the trash. ``has_artifact`` is an artifact kind
    (``"weights"``): the run must have recorded a file of that kind. ``uid`` selects by the
    run's global id.

    Raises:
        CatalogError: a status is not one of :data:`app.core.statuses.RUN_STATUSES`.
    """

    status: str | tuple[str, ...] | None = None
    model: str | None = None
    dataset_id: int | None = None
    tag: str | None = None
    text: str | None = None
    trashed: bool = False
    study_id: int | None = None
    parent_run_id: int | None = None
    has_artifact: str | None = None
    uid: str | None = None

    def __post_init__(self) -> None:
        if self.status is not None and not isinstance(self.status, str):
            object.__setattr__(self, "status", tuple(self.status))  # a list from a caller
        for status in self.statuses:
            check_status(status)
        object.__setattr__(self, "trashed", bool(self.trashed))

    @classmethod
    def from_arguments(cls, query: RunQuery | None, filters: Mapping[str, Any]) -> RunQuery:
        """The query of ``list_runs(query)`` or ``list_runs(**filters)``; never both."""
        if query is not None and filters:
            raise TypeError("pass either a RunQuery or keyword filters, not both")
        if query is not None and not isinstance(query, RunQuery):
            raise TypeError(f"expected a RunQuery, got {type(query).__name__}")
        if query is not None:
            return query
        unknown = sorted(set(filters) - {field.name for field in fields(cls)})
        if unknown:
            raise TypeError(f"unknown run filter(s): {', '.join(unknown)}")
        return cls(**filters)

    @property
    def statuses(self) -> Sequence[str]:
        if self.status is None:
            return ()
        return (self.status,) if isinstance(self.status, str) else self.status

    @property
    def searches_text(self) -> bool:
        return self.text is not None and bool(self.text.strip())

    def where(self) -> tuple[str, dict[str, Any]]:
        """A ``WHERE`` clause over ``runs AS r`` (and, for ``text``, ``datasets AS d``).

        The unary ``+`` keeps SQLite from choosing the ``runs_by_trashed`` index, which every
        live run matches: with it, a sorted page walks the sort column's index instead
        (18–35 ms → 0.5 ms at 10,000 runs, same rows).
        """
        clauses = ["r.trashed_at IS NOT NULL" if self.trashed else "+r.trashed_at IS NULL"]
        params: dict[str, Any] = {}
        if self.status is not None:
            clauses.append("r.status IN (SELECT value FROM json_each(:statuses))")
            params["statuses"] = json.dumps(list(self.statuses))
        for column in ("model", "dataset_id", "study_id", "parent_run_id", "uid"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(f"r.{column} = :{column}")
                params[column] = int(value) if column.endswith("_id") else value
        if self.tag is not None:
            clauses.append("EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag = :tag)")
            params["tag"] = self.tag
        if self.has_artifact is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM artifacts a WHERE a.run_id = r.id AND a.kind = :artifact)"
            )
            params["artifact"] = self.has_artifact
        if self.searches_text:
            clauses.append(
                "(md_contains(r.name, :text) OR md_contains(r.model, :text)"
                " OR md_contains(r.notes, :text) OR md_contains(d.path, :text)"
                " OR EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id"
                " AND md_contains(t.tag, :text)))"
            )
            params["text"] = (self.text or "").strip().casefold()
        return " WHERE " + " AND ".join(clauses), params
