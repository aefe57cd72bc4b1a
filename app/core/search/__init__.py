"""Hyperparameter search on Optuna: a space over run settings checked against the schema,
every trial an ordinary catalog run of a ``search`` study, pruning through the engine, and
Optuna's state in a journal file beside the catalog so a search continues where it stopped —
or, for a search shared by several workers, in the PostgreSQL database or journal file its
``storage`` names (see ``_shared`` for how workers keep one budget).

``SearchPlan.from_tables`` reads ``[experiment.search]``; ``run_search`` runs (or continues)
it, reporting ``SearchStarted`` / ``TrialStarted`` / ``TrialEnded`` records; ``search_summary``
gives the trials table, the best-so-far series and parameter importances of a study.
``best_model_plan`` is the "find the best model" preset (``preset = "best_model"``) and
``best_run_report`` the verdict a search ends with (its best run and why).
"""

from app.core.search._best_run import BestRun, best_model_plan, best_run_report
from app.core.search._events import (
    INVALID,
    SearchOutcome,
    SearchStarted,
    TrialEnded,
    TrialStarted,
    WaitingForWorkers,
)
from app.core.search._optuna import open_storage, storage_path
from app.core.search._plan import KIND, SearchPlan
from app.core.search._preset import (
    BEST_MODEL,
    DEFAULT_BUDGET_SECONDS,
    PRESETS,
    preset_models,
    preset_space,
)
from app.core.search._run import run_search, study_settings
from app.core.search._settings import METRIC_DIRECTIONS, PRUNERS, SAMPLERS, SEARCH_PARAMS
from app.core.search._space import UNSEARCHABLE, Choice, Range, SearchSpace, parse_space
from app.core.search._summary import search_summary, trial_states, write_search_summary

__all__ = ["BEST_MODEL", "DEFAULT_BUDGET_SECONDS", "INVALID", "KIND", "METRIC_DIRECTIONS",
           "PRESETS", "PRUNERS", "SAMPLERS", "SEARCH_PARAMS", "UNSEARCHABLE", "BestRun",
           "Choice", "Range", "SearchOutcome", "SearchPlan", "SearchSpace", "SearchStarted",
           "TrialEnded", "TrialStarted", "WaitingForWorkers", "best_model_plan",
           "best_run_report", "open_storage",
           "parse_space", "preset_models", "preset_space", "run_search", "search_summary",
           "storage_path", "study_settings", "trial_states", "write_search_summary"]
