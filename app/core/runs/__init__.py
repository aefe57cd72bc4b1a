"""Runs end to end: plan (validate + load data), execute (train + record), resume."""

from app.core.runs._environment import environment
from app.core.runs._execute import RunOutcome, execute, resume
from app.core.runs._plan import PlannedRun, make_config, plan_run
from app.core.runs._recorder import EPOCH_KEYS, STEP_LOSS, CatalogRecorder

__all__ = ["EPOCH_KEYS", "STEP_LOSS", "CatalogRecorder", "PlannedRun", "RunOutcome",
           "environment", "execute", "make_config", "plan_run", "resume"]
