"""A search as a job: planned like any job (fail early, before the catalog is touched), run
into a catalog with the caller's callbacks and stop token (``app.core.search.run_search``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.catalog import Catalog
from app.core.engine import Callback, RunControl
from app.core.errors import ConfigError
from app.core.runs import PlannedRun, plan_run, preflight
from app.core.search import SearchOutcome, SearchPlan, run_search


@dataclass(frozen=True)
class SearchJob:
    """Run or continue ``search``; ``run`` returns a ``SearchOutcome`` (not a ``RunOutcome``:
    a queue that shows one run per job must treat it apart)."""

    search: SearchPlan

    @property
    def label(self) -> str:
        budget = self.search.planned_trials
        return f"search {self.search.name}" + (f" ({budget} trials)" if budget else "")

    def plan(self, catalog: Catalog | str | Path | None = None) -> PlannedRun:
        """The base run planned (data loaded, device checked), and every model the space
        draws checked against the data's kind."""
        search = self.search
        planned = plan_run(search.base, where=search.where)
        preflight(planned, where=search.where, catalog=catalog)
        for model in search.space.models:
            if model != planned.spec.name:
                try:
                    plan_run(search.trial_config({"model": model}, None), where=search.where)
                except ConfigError as error:
                    raise ConfigError(f"{error} (search space 'model')",
                                      fields=("search.space.model",)) from None
        return planned

    def run(self, catalog: Catalog, *, callbacks: Sequence[Callback] = (),
            control: RunControl | None = None,
            on_created: Callable[[int], None] | None = None,
            on_event: Callable[[object], None] | None = None) -> SearchOutcome:
        return run_search(self.search, catalog, callbacks=callbacks, control=control,
                          on_event=on_event, on_created=on_created)
