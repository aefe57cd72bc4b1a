"""Which row is a header and which columns hold the text and the label.

Users rarely say; real files (SMS Spam Collection: ``label<TAB>text``, sentiment files:
``sentence<TAB>label``) have no header. The label column is the one with few distinct short
values, the text column the one with the longest values, and a first row is a header when
its label cell looks like a column name rather than one of the labels.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from app.core.datasets._names import shown
from app.core.datasets._records import Column, TableOptions
from app.core.datasets._table_parse import Record
from app.core.errors import DatasetError

HEADER_WORDS = frozenset(
    {"label", "labels", "class", "category", "target", "text", "sentence", "message",
     "review", "content", "sentiment", "tag", "document"}
)
_STATS_ROWS = 5000


@dataclass(frozen=True)
class Layout:
    """Resolved table shape: header row (if any) and the two columns we read."""

    width: int
    header: tuple[str, ...] | None
    header_line: int | None
    text_index: int
    label_index: int

    def options(self, delimiter: str) -> TableOptions:
        """The options that reproduce this layout (names when there is a header)."""
        def name(i: int) -> Column:
            return self.header[i] if self.header else i

        return TableOptions(
            text_column=name(self.text_index),
            label_column=name(self.label_index),
            delimiter=delimiter,
            has_header=self.header is not None,
        )


def resolve_layout(records: list[Record], options: TableOptions, path: Path) -> Layout:
    """Decide header and columns from ``options`` where given, from the data otherwise."""
    usable = [r for r in records if r.error is None and not r.blank]
    if not usable:
        raise DatasetError(f"{shown(path)} has no readable data lines")
    width = Counter(len(r.fields) for r in usable).most_common(1)[0][0]
    has_header = options.has_header
    if has_header is None and (_is_name(options.text_column) or _is_name(options.label_column)):
        has_header = True
    first = usable[0] if usable else None
    body = [r.fields for r in usable if r is not first and len(r.fields) == width]
    if has_header is None:
        label_guess = _label_guess(options, body, width, path)
        has_header = first is not None and _looks_like_header(first.fields, body, label_guess)
    header = None
    if has_header:
        if first is None or len(first.fields) != width:
            line = first.line if first else 1
            raise DatasetError(
                f"{shown(path)}: the header row (line {line}) does not have the {width} columns "
                "the data lines have"
            )
        header = tuple(f.strip() for f in first.fields)
    else:
        body = [r.fields for r in usable if len(r.fields) == width]
    text = _resolve(options.text_column, header, width, path, "text")
    label = _resolve(options.label_column, header, width, path, "label")
    if label is None:
        label = _pick_label(body, width, exclude=text)
    if text is None:
        text = _pick_text(body, width, exclude=label)
    if text == label:
        raise DatasetError(
            f"{shown(path)}: the text and label columns must differ (both are {text})")
    return Layout(
        width=width,
        header=header,
        header_line=first.line if header is not None and first else None,
        text_index=text,
        label_index=label,
    )


def _is_name(column: Column) -> bool:
    return isinstance(column, str) and not column.strip().isdigit()


def _label_guess(options: TableOptions, body: list[tuple[str, ...]], width: int,
                 path: Path) -> int:
    given = _resolve(options.label_column, None, width, path, "label")
    if given is not None:
        return given
    text = _resolve(options.text_column, None, width, path, "text")
    return _pick_label(body, width, exclude=text)


def _looks_like_header(first: tuple[str, ...], body: list[tuple[str, ...]], label: int) -> bool:
    if any(f.strip().lower() in HEADER_WORDS for f in first):
        return True
    labels = {row[label].strip() for row in body[:_STATS_ROWS]}
    repeats = len(labels) < len(body[:_STATS_ROWS])
    return bool(body) and repeats and first[label].strip() not in labels


def _column_stats(body: list[tuple[str, ...]], column: int) -> tuple[int, float]:
    values = [row[column].strip() for row in body[:_STATS_ROWS]]
    mean_length = sum(map(len, values)) / len(values) if values else 0.0
    return len(set(values)), mean_length


def _pick_label(body: list[tuple[str, ...]], width: int, exclude: int | None) -> int:
    columns = [c for c in range(width) if c != exclude]
    return min(columns, key=lambda c: (*_column_stats(body, c), c))


def _pick_text(body: list[tuple[str, ...]], width: int, exclude: int) -> int:
    columns = [c for c in range(width) if c != exclude]
    return max(columns, key=lambda c: (_column_stats(body, c)[1], -c))


def _resolve(column: Column, header: tuple[str, ...] | None, width: int, path: Path,
             role: str) -> int | None:
    if column is None:
        return None
    if isinstance(column, str) and header is not None:
        if column in header:
            return header.index(column)
        folded = [h.casefold() for h in header]
        if column.casefold() in folded:
            return folded.index(column.casefold())
    if isinstance(column, str) and column.strip().isdigit():
        column = int(column.strip())
    if isinstance(column, int) and not isinstance(column, bool) and 0 <= column < width:
        return column
    raise DatasetError(
        f"{shown(path)}: {role} column {column!r} not found; {_available(header, width)}"
    )


def _available(header: tuple[str, ...] | None, width: int) -> str:
    if header is not None:
        names = ", ".join(f"{i}: '{h}'" for i, h in enumerate(header))
        return f"available columns: {names}"
    return f"the file has no header row; use a 0-based column index from 0 to {width - 1}"
