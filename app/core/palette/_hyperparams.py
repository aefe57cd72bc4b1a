"""One tunable option of an architecture, with the checks a user's value must pass.

The GUI builds its option widgets from these records and experiment files are checked against
them, so a bad value is caught with a readable message before any model is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.core.errors import ConfigError

# ``tuple`` options are tuples of positive ints (layer widths, kernel sizes); experiment files
# written in TOML hand them over as lists.
SUPPORTED_TYPES: tuple[type, ...] = (int, float, bool, str, tuple)


def _fmt(value: Any) -> str:
    """Numbers as a person writes them: 0 not 0.0, 0.9 not 0.90000001."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_fmt(v) for v in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class HyperParam:
    """A named option of an architecture.

    Attributes:
        name: Keyword accepted by ``ArchitectureSpec.build``.
        default: Value used when the option is not given; it passes ``validate``.
        type: One of ``int``, ``float``, ``bool``, ``str`` or ``tuple`` (a tuple of ints).
        help: One sentence for tooltips and ``--help`` style listings.
        min, max: Inclusive bounds for numbers; for ``tuple`` they bound every element.
        choices: The allowed values of a ``str`` option.
    """

    name: str
    default: Any
    type: type
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.type not in SUPPORTED_TYPES:
            raise TypeError(f"hyperparameter {self.name!r}: unsupported type {self.type!r}")
        # A spec whose own default is invalid is a programming error; fail at import time.
        self.validate(self.default)

    def validate(self, value: Any, *, model: str | None = None) -> Any:
        """Return ``value`` coerced to this option's type, or raise ``ConfigError``.

        Coercions are the lossless ones a TOML file or a spin box needs: int → float,
        an integral float → int, a list → tuple, a choice in another letter case → the choice.
        ``model`` prefixes the message ("model 'textcnn': 'dropout' must be ...").
        """
        prefix = f"model {model!r}: " if model else ""

        def fail(requirement: str) -> ConfigError:
            return ConfigError(f"{prefix}{self.name!r} must be {requirement}, got {_fmt(value)}")

        if self.type is bool:
            if not isinstance(value, bool):
                raise fail("true or false")
            return value
        if self.type is str:
            return self._validate_choice(value, fail)
        if self.type is tuple:
            return self._validate_tuple(value, fail)
        number = self._coerce_number(value, self.type, fail)
        self._check_bounds(number, fail)
        return number

    def _validate_choice(self, value: Any, fail: Any) -> str:
        if not isinstance(value, str):
            raise fail("a string" if not self.choices else f"one of {self._choices_text()}")
        if self.choices is None:
            return value
        for choice in self.choices:
            if value.strip().lower() == choice.lower():
                return choice
        raise fail(f"one of {self._choices_text()}")

    def _validate_tuple(self, value: Any, fail: Any) -> tuple[int, ...]:
        if isinstance(value, str | bytes) or not isinstance(value, Sequence) or not value:
            raise fail("a non-empty list of whole numbers")
        items = tuple(self._coerce_number(v, int, fail, "a list of whole numbers") for v in value)
        for item in items:
            self._check_bounds(item, fail, each=True)
        return items

    @staticmethod
    def _coerce_number(value: Any, kind: type, fail: Any, requirement: str | None = None) -> Any:
        # bool is an int subclass; True as a learning rate is a mistake, not a 1.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(requirement or ("a whole number" if kind is int else "a number"))
        if kind is float:
            return float(value)
        if isinstance(value, float):
            if not value.is_integer():
                raise fail(requirement or "a whole number")
            return int(value)
        return value

    def _check_bounds(self, number: float, fail: Any, *, each: bool = False) -> None:
        what = "each between" if each else "between"
        low, high = self.min, self.max
        if low is not None and high is not None and not low <= number <= high:
            raise fail(f"{what} {_fmt(low)} and {_fmt(high)}")
        if low is not None and high is None and number < low:
            raise fail(f"{'each ' if each else ''}at least {_fmt(low)}")
        if high is not None and low is None and number > high:
            raise fail(f"{'each ' if each else ''}at most {_fmt(high)}")

    def _choices_text(self) -> str:
        return ", ".join(repr(c) for c in self.choices or ())
