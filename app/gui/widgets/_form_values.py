"""Text a person typed → a value the field's ``Param`` accepts, or why not.

The form only turns text into a number, a list or a choice; every rule (bounds, choices,
types) is the ``Param``'s own ``validate``, the same check batch mode applies, so the window
and an experiment file accept exactly the same values.
"""

from __future__ import annotations

import math
import re
from typing import Any

from app.core.config import InvalidValue, Param


class FieldError(ValueError):
    """The requirement a typed text failed, in words ("must be at least 1")."""


def parse(param: Param, raw: Any) -> Any:
    """The valid value of ``raw`` for ``param``; ``FieldError`` otherwise."""
    value = _typed(param, raw)
    try:
        return param.validate(value)
    except InvalidValue as error:
        raise FieldError(f"must be {error.requirement}") from None


def format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _typed(param: Param, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw  # check boxes hand over booleans
    text = raw.strip()
    if text == "" and param.type is not str:
        if param.optional:
            return None
        raise FieldError("needs a value")
    if param.type is int:
        return _number(text, int)
    if param.type is float:
        return _number(text, float)
    if param.type is tuple:
        parts = [p for p in re.split(r"[,\s;]+", text) if p]
        if not parts:
            raise FieldError("needs at least one whole number, e.g. 3, 4, 5")
        return tuple(_number(p, int, "must be a list of whole numbers, e.g. 3, 4, 5")
                     for p in parts)
    return text


def _number(text: str, kind: type, requirement: str | None = None) -> Any:
    try:
        value = float(text) if kind is float else int(text)
    except ValueError:
        if kind is int:
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if number.is_integer():
                return int(number)
        raise FieldError(requirement or ("must be a whole number" if kind is int
                                         else "must be a number such as 0.01 or 1e-3")) from None
    if kind is float and not math.isfinite(value):
        raise FieldError("must be a finite number")
    return value
