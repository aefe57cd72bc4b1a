"""Named points where a test may freeze a real process, so a kill lands exactly there.

Crash-safety tests start real batch runs in a subprocess and SIGKILL them in the middle of a
checkpoint write, a catalog transaction or a training step. With
``MODELDESK_TESTPOINT=<name>:<n>`` the process prints ``TESTPOINT <name> <n>`` on stdout when
it reaches that point for the n-th time and then blocks until it is killed. Unset (always, for
users) a point costs one comparison. Under torchrun every process inherits the variable;
``MODELDESK_TESTPOINT_RANK=<r>`` keeps the point to the process whose ``RANK`` is r.
"""

from __future__ import annotations

import os
import sys
import threading

ENV_VAR = "MODELDESK_TESTPOINT"
RANK_VAR = "MODELDESK_TESTPOINT_RANK"

CHECKPOINT_WRITE = "checkpoint-write"
"""Inside ``atomic_write``: the temporary file is written, not yet renamed over the target."""
CATALOG_WRITE = "catalog-write"
"""Inside a catalog write transaction, before its COMMIT."""
DECODED_CACHE_WRITE = "decoded-cache-write"
"""Inside the decoded image cache's write: the temporary file is complete, not yet renamed."""
TRAINING_STEP = "training-step"
"""Inside a training step: after the forward and backward pass, before the optimiser step."""
SEARCH_EPOCH = "search-epoch"
"""In a search trial: an epoch's validation metric has just been reported to Optuna."""

_name, _, _count = os.environ.get(ENV_VAR, "").partition(":")
if os.environ.get(RANK_VAR, os.environ.get("RANK", "0")) != os.environ.get("RANK", "0"):
    _name = ""  # another process of the launch freezes
_target = int(_count) if _count.isdigit() else 1
_seen = {"n": 0}
_lock = threading.Lock()


def reached(name: str) -> None:
    """Freeze here if a test asked for this point (see the module docstring)."""
    if name != _name:
        return
    with _lock:
        _seen["n"] += 1
        hit = _seen["n"] == _target
    if hit:
        print(f"TESTPOINT {name} {_target}", file=sys.stdout, flush=True)
        threading.Event().wait()  # until the test kills this process
