"""Reproducing a catalog run: its stored config and dataset again, as a new run linked to it.

The config is read back through ``RunConfig.from_stored`` (any stored version) and trained
unchanged, seed included, so on the same device the reproduction's metrics match the
original's; an ``init_from`` naming a run (stored as that run's uid) resolves as it did. The
new run records ``reproduces_run_id``; it keeps the original's fine-tuning parent (it starts
from the same weights), so it sits beside the original in the lineage, not below it.

The dataset is read from the stored path: when its fingerprint is not the one recorded, the
reproduction still trains (the recipe on today's data is a useful run too), but every caller
says so before training: batch mode on stderr, the window in a question first.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.catalog import Catalog, RunRecord
from app.core.config import RunConfig
from app.core.runs._find_run import find_run
from app.core.runs._plan import PlannedRun, plan_run
from app.core.runs._preflight import preflight


@dataclass(frozen=True)
class Reproduction:
    """A planned re-run of ``original``: its config, loaded data and the fingerprint check."""

    original: RunRecord
    planned: PlannedRun
    recorded_fingerprint: str | None

    @property
    def name(self) -> str:
        """The new run's name: the original's, marked, so the two differ in the table."""
        return f"{self.original.name} (reproduces #{self.original.id})"

    @property
    def dataset_changed(self) -> bool:
        recorded = self.recorded_fingerprint
        return bool(recorded) and recorded != self.planned.dataset.fingerprint

    def warning(self) -> str:
        """What to tell the user before training, or "" when the data is the same."""
        if not self.dataset_changed:
            return ""
        assert self.recorded_fingerprint is not None
        return (f"the dataset at {self.planned.config.data.dataset} changed since run "
                f"{self.original.id} trained on it (fingerprint "
                f"{self.planned.dataset.fingerprint[:12]}, recorded "
                f"{self.recorded_fingerprint[:12]}): the reproduction trains on today's data, "
                "so its metrics may differ")


def plan_reproduction(catalog: Catalog, reference: str | int) -> Reproduction:
    """Find the run (an id or a uid prefix), read its config and plan it again.

    Raises:
        ModelDeskError: no such run (``ConfigError``), its dataset is gone or unreadable
            (``DatasetError``), its config or starting run no longer works here.
    """
    text = str(reference)
    original = find_run(catalog, text, what=f"run {text}")
    where = f"run {original.id}"
    config = RunConfig.from_stored(original.config, where=where)
    planned = plan_run(config, where=where)
    preflight(planned, where=where, catalog=catalog)
    recorded = catalog.get_dataset(original.dataset_id).fingerprint
    return Reproduction(original=original, planned=planned, recorded_fingerprint=recorded)
