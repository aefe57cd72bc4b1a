"""Runs end to end: plan (validate + load data), execute (train + record), resume, reproduce."""

from app.core.runs._artifacts import BundleWriter, PredictionsWriter, run_writers
from app.core.runs._environment import environment
from app.core.runs._execute import RunOutcome, execute, resume
from app.core.runs._features import with_cached_features
from app.core.runs._find_run import find_run, find_version
from app.core.runs._init_from import names_run
from app.core.runs._inputs import ModelInputs, inputs_key, model_inputs
from app.core.runs._plan import PlannedRun, default_values, make_config, plan_run
from app.core.runs._preflight import preflight
from app.core.runs._recorder import EPOCH_KEYS, STEP_LOSS, CatalogRecorder
from app.core.runs._recovery import recover_interrupted
from app.core.runs._reproduce import Reproduction, plan_reproduction

__all__ = ["EPOCH_KEYS", "STEP_LOSS", "BundleWriter", "CatalogRecorder", "ModelInputs",
           "PlannedRun", "PredictionsWriter", "Reproduction", "RunOutcome", "default_values",
           "environment", "execute", "find_run", "find_version", "inputs_key", "make_config",
           "model_inputs",
           "names_run", "plan_reproduction", "plan_run", "preflight", "recover_interrupted",
           "resume", "run_writers", "with_cached_features"]
