"""Splitting a table file into records: line splitting, delimiter sniffing, quoting rules.

Real files decide the rules: the SMS and sentiment files hold bare ``"`` characters, so
tab- and pipe-separated files are split literally (no quoting), while comma and semicolon
files use normal CSV quoting. Lines split on ``\\n`` only, because ``str.splitlines()`` also
breaks on U+0085 and friends that occur inside real sentences.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass

from app.core.errors import ConfigError

DELIMITER_NAMES = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
QUOTED_DELIMITERS = frozenset({",", ";"})
_PREFERENCE = {
    ".tsv": ("\t", ",", ";", "|"),
    ".tab": ("\t", ",", ";", "|"),
    ".csv": (",", ";", "\t", "|"),
}
_DEFAULT_PREFERENCE = ("\t", ",", ";", "|")
_SNIFF_LINES = 200


@dataclass(frozen=True)
class Record:
    """One table record; ``line`` is the 1-based file line it starts on."""

    line: int
    fields: tuple[str, ...]
    error: str | None = None

    @property
    def blank(self) -> bool:
        """True for a line holding nothing but whitespace."""
        return not any(f.strip() for f in self.fields)


def normalise_delimiter(value: str) -> str:
    """Accept one character or a name (``"tab"``); raise ``ConfigError`` otherwise."""
    delimiter = DELIMITER_NAMES.get(value.lower(), value) if value else value
    if delimiter == "\\t":
        delimiter = "\t"
    if len(delimiter) != 1 or delimiter in "\r\n\"":
        names = ", ".join(DELIMITER_NAMES)
        raise ConfigError(f"invalid delimiter {value!r}; use one character or one of: {names}")
    return delimiter


def split_lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only, ``\\r`` of CRLF removed, blank lines at the end dropped."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def detect_delimiter(lines: list[str], suffix: str) -> str | None:
    """The candidate that splits most sample lines into the same number (≥ 2) of fields.

    Ties go to the delimiter the extension suggests; ``None`` when nothing splits.
    """
    sample = [line for line in lines[:_SNIFF_LINES] if line.strip()]
    best, best_score = None, 0
    for delimiter in _PREFERENCE.get(suffix.lower(), _DEFAULT_PREFERENCE):
        counts = Counter(len(r.fields) for r in parse_records(sample, delimiter))
        width, score = counts.most_common(1)[0] if counts else (0, 0)
        if width >= 2 and score > best_score:
            best, best_score = delimiter, score
    return best


def parse_records(lines: list[str], delimiter: str) -> list[Record]:
    """Split ``lines`` into records, with CSV quoting only for comma/semicolon files."""
    if delimiter not in QUOTED_DELIMITERS:
        return [
            Record(number, tuple(line.split(delimiter)))
            for number, line in enumerate(lines, start=1)
        ]
    return _parse_quoted(lines, delimiter)


def _parse_quoted(lines: list[str], delimiter: str) -> list[Record]:
    # Feeding lines with their "\n" lets quoted fields span lines; line_num tracks position.
    reader = csv.reader((line + "\n" for line in lines), delimiter=delimiter, strict=False)
    records: list[Record] = []
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return records
        except csv.Error as error:
            records.append(Record(start, (), error=f"cannot parse line ({error})"))
            continue
        records.append(Record(start, tuple(fields)))
