"""Several workers on one study: a heartbeat while a trial runs, a claim after each ask.

Workers share nothing but the Optuna storage, so every rule is read off its trials:
- a worker's running trial carries a ``heartbeat`` user attribute, rewritten every
  ``heartbeat_seconds()`` by a thread; a trial silent for ``stale_after()`` was left by a dead
  worker, and the next worker to look tells it FAIL and queues its values again (Optuna's own
  heartbeat exists only for its RDB storage and expects ``study.optimize``; ask/tell on a journal
  file needs the same thing, so one mechanism serves every storage);
- the trial budget holds across workers: a trial counts once finished, or while running with a
  live heartbeat, and a trial whose lower-numbered counted trials already fill the budget is a
  surplus: it is given back (told FAIL, never trained) and its worker waits for the others;
- a grid point runs once: of two trials given the same point (two workers queued it at the same
  moment), the higher-numbered one is given back.
Trial numbers come from the storage in one order for everybody, so every worker decides alike.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from app.core.catalog import Catalog
from app.core.search._trials import HEARTBEAT, fate, heartbeat_seconds, is_stale

SURPLUS, DUPLICATE = "surplus", "duplicate"


class Heartbeat:
    """``with Heartbeat(study, trial):`` keeps the trial's heartbeat fresh until the block ends.

    A write that fails (the database restarting, a network blip) is tried again at the next
    beat; the trial only goes stale if the worker stays silent for several beats.
    """

    def __init__(self, study: Any, trial: Any) -> None:
        self._storage, self._trial_id = study._storage, trial._trial_id
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="trial-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._done.wait(heartbeat_seconds()):
            try:
                self._storage.set_trial_user_attr(self._trial_id, HEARTBEAT, time.time())
            except Exception:  # noqa: BLE001 - retried at the next beat; staleness is the signal
                continue


def counts(trial: Any, catalog: Catalog, now: float) -> bool:
    """Whether ``trial`` takes a place in the budget: finished, or running and alive."""
    from optuna.trial import TrialState

    if trial.state == TrialState.RUNNING:
        return not is_stale(trial, now)
    return fate(trial, catalog) == "finished"


def places_taken(study: Any, catalog: Catalog) -> int:
    """Trials counting towards the budget: finished ones and those alive and running."""
    now = time.time()
    return sum(counts(t, catalog, now) for t in study.get_trials(deepcopy=False))


def given_back(study: Any, trial: Any, catalog: Catalog, planned: int | None,
               grid: bool) -> str | None:
    """Why the just-asked ``trial`` must not run (``SURPLUS``/``DUPLICATE``), or ``None``."""
    now = time.time()
    trials = study.get_trials(deepcopy=False)
    earlier = [t for t in trials if t.number < trial.number]
    if planned is not None and sum(counts(t, catalog, now) for t in earlier) >= planned:
        return SURPLUS
    if grid:
        [mine] = [t for t in trials if t.number == trial.number]
        point = _point(mine.system_attrs)
        if any(_point(t.system_attrs) == point and counts(t, catalog, now) for t in earlier):
            return DUPLICATE
    return None


def _point(system_attrs: Any) -> str:
    return json.dumps(dict(system_attrs.get("fixed_params") or {}), sort_keys=True)
