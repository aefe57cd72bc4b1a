"""The "find the best model" preset as a plan, and the verdict a search ends with: its best
run and why (the metric against the best of the other models, the size, the speed).

Batch mode prints ``BestRun.line`` after a search and the window's Search view shows it, so
both say the same thing. The parameter count is read by building the run's stored model
(its bundle) once: the catalog keeps no size, and a count taken when the run trained would
need every trial to carry it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.catalog import Catalog
from app.core.errors import ModelDeskError
from app.core.search._plan import SearchPlan
from app.core.search._preset import BEST_MODEL, DEFAULT_BUDGET_SECONDS
from app.core.statuses import COMPLETED


def best_model_plan(name: str, values: Mapping[str, Any], *,
                    timeout: float = DEFAULT_BUDGET_SECONDS, trials: int | None = None,
                    where: str = "find the best model", **settings: Any) -> SearchPlan:
    """The preset search for ``values`` (an experiment's or the Models form's flat values)."""
    search: dict[str, Any] = {"preset": BEST_MODEL, "timeout": timeout, **settings}
    if trials is not None:
        search["trials"] = trials
    return SearchPlan.from_tables(name, values, search, where)


@dataclass(frozen=True)
class BestRun:
    run_id: int
    name: str
    model: str
    metric: str
    value: float | None
    finished: int  # finished trials of the study
    parameters: int | None  # None when the model could not be rebuilt
    seconds: float | None
    epochs: int
    runner_up: tuple[str, float] | None  # the best other model and its value

    @property
    def seconds_per_epoch(self) -> float | None:
        return self.seconds / self.epochs if self.seconds and self.epochs else None

    @property
    def line(self) -> str:
        value = "-" if self.value is None else f"{self.value:.4f}"
        text = (f"Best: run {self.run_id} ({self.name}), {self.model}, {self.metric} {value}, "
                f"the best of {self.finished} finished trial(s)")
        if self.runner_up is not None:
            text += f"; the best other model, {self.runner_up[0]}, reached {self.runner_up[1]:.4f}"
        if self.parameters is not None:
            text += f"; {self.parameters:,} parameters"
        if self.seconds_per_epoch is not None:
            text += (f"; {self.seconds_per_epoch:.2f} s per epoch ({self.seconds:.1f} s for "
                     f"{self.epochs} epoch(s))")
        return text


def best_run_report(catalog: Catalog, study_id: int) -> BestRun | None:
    """The study's best run and why; ``None`` while no trial has completed."""
    study = catalog.get_study(study_id)
    if study.best_run_id is None:
        return None
    best = catalog.get_run_record(study.best_run_id)
    metric = study.metric or "val_accuracy"
    maximise = study.direction != "minimize"
    per_model: dict[str, float] = {}
    for run in catalog.list_runs(study_id=study_id, limit=None):
        value = _value(run, metric)
        if run.status != COMPLETED or value is None or run.model == best.model:
            continue
        kept = per_model.get(run.model)
        if kept is None or (value > kept if maximise else value < kept):
            per_model[run.model] = value
    runner_up = None
    if per_model:
        pick = max if maximise else min
        model = pick(per_model, key=per_model.__getitem__)
        runner_up = (model, per_model[model])
    return BestRun(best.id, best.name, best.model, metric, _value(best, metric),
                   study.trials, _parameters(best), best.wall_seconds, best.epochs_done,
                   runner_up)


def _value(run: Any, metric: str) -> float | None:
    if metric.startswith("test_"):
        return getattr(run, metric, None)
    return run.best_val_metric if run.best_val_metric_name == metric else None


def _parameters(run: Any) -> int | None:
    from app.core.models import build_model, read_bundle
    from app.core.palette import count_parameters

    try:
        return count_parameters(build_model(read_bundle(run.run_dir)))[0]
    except (ModelDeskError, OSError):
        return None
