"""Text datasets stored as one table file (CSV, TSV, or similar) of text and label columns.

Each data line is one sample candidate; bad lines are skipped with their 1-based file line
number so the user can find and fix them in an editor.
"""

from __future__ import annotations

from pathlib import Path

from app.core.datasets._assemble import Candidate, Collected
from app.core.datasets._encoding import read_utf8
from app.core.datasets._hashing import hash_text
from app.core.datasets._names import shown
from app.core.datasets._records import TableOptions
from app.core.datasets._table_columns import resolve_layout
from app.core.datasets._table_parse import (
    DELIMITER_NAMES,
    Record,
    detect_delimiter,
    normalise_delimiter,
    parse_records,
    split_lines,
)
from app.core.errors import ConfigError, DatasetError

TABLE_SUFFIXES = frozenset({"", ".csv", ".tsv", ".txt", ".tab", ".dat"})
_EXPECTED = (
    "expected a table with one sample per line: a text column and a label column separated "
    "by tab, comma, semicolon or pipe"
)


def load_table(path: Path, options: TableOptions) -> Collected:
    """Parse ``path`` and collect one candidate per usable data line."""
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise DatasetError(
            f"{shown(path)} is not a dataset ModelDesk can read: expected a folder with one "
            "sub-folder per class, or a .csv/.tsv/.txt table"
        )
    lines = split_lines(read_utf8(path))
    if not any(line.strip() for line in lines):
        raise DatasetError(f"{shown(path)} has no data lines; {_EXPECTED}")
    detected = detect_delimiter(lines, path.suffix)
    if options.delimiter:
        try:
            delimiter = normalise_delimiter(options.delimiter)
        except ConfigError as error:
            raise ConfigError(f"{shown(path)}: {error}", fields=("delimiter",)) from None
    elif detected is None:
        raise DatasetError(f"{shown(path)} does not look like a table; {_EXPECTED}")
    else:
        delimiter = detected
    records = parse_records(lines, delimiter)
    _check_columns(path, records, delimiter, detected)
    layout = resolve_layout(records, options, path)
    if all(r.line == layout.header_line or r.blank for r in records):
        raise DatasetError(f"{shown(path)} has a header row (line {layout.header_line}) but "
                           f"no data lines; {_EXPECTED}")
    collected = Collected(kind="text", path=path, options=layout.options(delimiter))
    for record in records:
        if record.line == layout.header_line:
            continue
        source = f"line {record.line}"
        fields = record.fields
        if record.error:
            collected.skip(source, record.error)
        elif record.blank:
            collected.skip(source, "empty line")
        elif len(fields) != layout.width:
            collected.skip(source, f"expected {layout.width} fields, found {len(fields)}")
        elif not (text := fields[layout.text_index].strip()):
            collected.skip(source, "empty text")
        elif not (label := fields[layout.label_index].strip()):
            collected.skip(source, "missing label")
        else:
            collected.keep(Candidate(source, label, hash_text(text), text=text))
    return collected


def _check_columns(path: Path, records: list[Record], delimiter: str,
                   detected: str | None) -> None:
    """Refuse a delimiter that leaves one column, saying which one the file seems to use."""
    if any(len(r.fields) >= 2 for r in records if r.error is None and not r.blank):
        return
    hint = "check the delimiter"
    if detected is not None and detected != delimiter:
        hint = f"the file looks {_name(detected)}-separated: use delimiter = {_name(detected)!r}"
    raise DatasetError(
        f"{shown(path)}: no line splits into columns at the delimiter {delimiter!r}; a table "
        f"needs a text column and a label column ({hint})")


def _name(delimiter: str) -> str:
    """``"tab"`` for a tab (what a TOML file or the command line can spell), else the char."""
    return next((name for name, char in DELIMITER_NAMES.items() if char == delimiter), delimiter)
