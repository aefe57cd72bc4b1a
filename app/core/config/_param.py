"""One parameter type for every setting a user can give: run settings and architecture options.

A ``Param`` knows its type, default, bounds, choices, scale and help text, and checks a value
against them. The run config, the palette's hyperparameters, the window's form and (next) search
spaces all read these records, so a rule is written once. A bad value raises ``InvalidValue``,
which carries the parameter's name and what it requires, so a form can mark the field and show
the requirement without parsing the message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.errors import ConfigError


class ColumnRef:
    """Marker type of a table column: a header name (``str``) or a 0-based index (``int``)."""


SUPPORTED_TYPES: tuple[type, ...] = (int, float, bool, str, tuple, dict, ColumnRef)
"""``tuple`` is a tuple of whole numbers (layer widths, kernel sizes; TOML hands a list);
``dict`` is a table of further settings (an architecture's options)."""


def fmt(value: Any) -> str:
    """Numbers as a person writes them: 0 not 0.0, 0.9 not 0.90000001."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(fmt(v) for v in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value)
    return str(value)


class InvalidValue(ConfigError):
    """A value a parameter refuses; ``requirement`` reads "must be <requirement>"."""

    def __init__(self, name: str, requirement: str, value: Any, where: str = "") -> None:
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{name!r} must be {requirement}, got {fmt(value)}",
                         fields=(name,))
        self.requirement = requirement
        self.value = value


@dataclass(frozen=True)
class Param:
    """A named setting and the rules its value must follow.

    Attributes:
        name: The key users write (experiment files, ``model_options``, the form).
        default: Used when the value is not given; it must pass ``validate``.
        type: One of ``SUPPORTED_TYPES``.
        help: One sentence for tooltips, the README and error messages.
        min, max: Inclusive bounds of a number (of each element of a ``tuple``);
            ``exclusive_min`` makes the lower bound strict (a learning rate must be above 0).
        choices: Allowed values of a ``str`` parameter (matched ignoring case).
        pattern, pattern_help: A regular expression a ``str`` value must match entirely
            (ignoring case), and the words that describe it ("auto, cpu, cuda, cuda:N or mps").
        log: The parameter varies over orders of magnitude: searched and shown on a log scale.
        optional: ``None`` (or an empty text) is allowed and means "the model's default" or
            "detect it".
        required: A run cannot start without a non-empty value.
        group: The section it belongs to (data, model, training, runtime) or the
            architecture it configures.
    """

    name: str
    default: Any
    type: type
    help: str
    min: float | None = None
    max: float | None = None
    exclusive_min: bool = False
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    pattern_help: str = ""
    log: bool = False
    optional: bool = False
    required: bool = False
    group: str = ""

    def __post_init__(self) -> None:
        if self.type not in SUPPORTED_TYPES:
            raise TypeError(f"parameter {self.name!r}: unsupported type {self.type!r}")
        if self.choices is not None and self.type is not str:
            raise TypeError(f"parameter {self.name!r}: only text parameters have choices")
        if not self.required:  # a spec whose own default is invalid is a programming error
            self.validate(self.default)

    @property
    def numeric(self) -> bool:
        return self.type in (int, float)

    def validate(self, value: Any, *, where: str = "") -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ``InvalidValue``.

        Coercions are the lossless ones a TOML file or a form needs: int → float, an integral
        float → int, a list → tuple, a choice in another letter case → the choice, text
        stripped of surrounding spaces. ``where`` prefixes the message ("model 'textcnn'").
        """

        def fail(requirement: str) -> InvalidValue:
            return InvalidValue(self.name, requirement, value, where)

        if value is None or (self.optional and isinstance(value, str) and not value.strip()):
            if self.optional:
                return None
            raise fail("given a value")
        if self.type is bool:
            if not isinstance(value, bool):
                raise fail("true or false")
            return value
        if self.type is str:
            return self._validate_text(value, fail)
        if self.type is dict:
            if not isinstance(value, Mapping):
                raise fail("a table of options")
            return dict(value)
        if self.type is ColumnRef:
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise fail("a column name or 0-based index")
            return value.strip() if isinstance(value, str) else value
        if self.type is tuple:
            return self._validate_tuple(value, fail)
        number = _number(value, self.type, fail)
        self._check_bounds(number, fail)
        return number

    def bounds_text(self) -> str:
        """The range in words ("between 1 and 15", "greater than 0"), or "" when unbounded."""
        low, high = self.min, self.max
        if low is not None and high is not None:
            if self.exclusive_min:
                return f"greater than {fmt(low)} and at most {fmt(high)}"
            return f"between {fmt(low)} and {fmt(high)}"
        if low is not None:
            return f"greater than {fmt(low)}" if self.exclusive_min else f"at least {fmt(low)}"
        if high is not None:
            return f"at most {fmt(high)}"
        return ""

    def within_bounds(self, number: float) -> bool:
        if self.min is not None and (number <= self.min if self.exclusive_min
                                     else number < self.min):
            return False
        return self.max is None or number <= self.max

    # ------------------------------------------------------------------------- helpers
    def _validate_text(self, value: Any, fail: Any) -> str:
        if not isinstance(value, str):
            raise fail(f"one of {self._choices_text()}" if self.choices else "text")
        text = value.strip()
        if self.choices is not None:
            for choice in self.choices:
                if text.lower() == choice.lower():
                    return choice
            raise fail(f"one of {self._choices_text()}")
        if self.pattern is not None:
            if not re.fullmatch(self.pattern, text, flags=re.IGNORECASE):
                raise fail(self.pattern_help or f"text matching {self.pattern}")
            return text.lower()
        return text

    def _validate_tuple(self, value: Any, fail: Any) -> tuple[int, ...]:
        requirement = "a non-empty list of whole numbers"
        if self.bounds_text():
            requirement += f", each {self.bounds_text()}"
        if isinstance(value, str | bytes) or not isinstance(value, Sequence) or not value:
            raise fail(requirement)
        items = tuple(_number(v, int, lambda _r: fail(requirement)) for v in value)
        if not all(self.within_bounds(item) for item in items):
            raise fail(requirement)
        return items

    def _check_bounds(self, number: float, fail: Any) -> None:
        if not self.within_bounds(number):
            raise fail(self.bounds_text())

    def _choices_text(self) -> str:
        return ", ".join(repr(c) for c in self.choices or ())


def _number(value: Any, kind: type, fail: Any) -> Any:
    # bool is an int subclass; True as a learning rate is a mistake, not a 1.
    requirement = "a whole number" if kind is int else "a finite number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(requirement)
    if not math.isfinite(value):
        raise fail(requirement)
    if kind is float:
        return float(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise fail(requirement)
        return int(value)
    return value
