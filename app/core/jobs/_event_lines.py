"""A job's events as lines of text: how a run trained by other processes (``torchrun`` started
by the window) reports to the process that watches it.

Each event is one stdout line, ``MODELDESK-EVENT `` and a JSON object naming its type, so the
lines survive any other output the processes print; the reader ignores what is not an event.
Only the records below travel; they hold plain numbers and text.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from app.core.engine import EpochEnd, Notice, Paused, RunFinished, RunStarted, StepEnd
from app.core.jobs._events import RunCreated

PREFIX = "MODELDESK-EVENT "
_TYPES = {cls.__name__: cls for cls in (RunCreated, RunStarted, StepEnd, EpochEnd, Notice,
                                        Paused, RunFinished)}


def encode_event(event: Any) -> str:
    """One line (without its newline) for ``event``."""
    name = type(event).__name__
    if name not in _TYPES:
        raise TypeError(f"{name} is not an event that travels between processes")
    return PREFIX + json.dumps({"type": name, **dataclasses.asdict(event)},
                               separators=(",", ":"), allow_nan=True)


def decode_event(line: str) -> Any | None:
    """The event on ``line``, or ``None`` for any other line (or a damaged one)."""
    if not line.startswith(PREFIX):
        return None
    try:
        data = json.loads(line[len(PREFIX):])
        cls = _TYPES[data.pop("type")]
        return cls(**data)
    except (ValueError, KeyError, TypeError):
        return None
