"""Frozen records handed out by the datasets package.

Other packages (engine, catalog, GUI) read these; nobody mutates them, so a dataset loaded once
can be shared by every run of a grid without copies or locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from app.core.config import DataConfig
    from app.core.datasets._report import ValidationReport

Kind = Literal["image", "text"]
Column = str | int | None


@dataclass(frozen=True)
class TableOptions:
    """How to read a CSV/TSV table; ``None`` everywhere means "detect it".

    Columns are a header name or a 0-based index. ``delimiter`` is one character
    (or ``"tab"``, ``"comma"``, ``"semicolon"``, ``"pipe"``).
    """

    text_column: Column = None
    label_column: Column = None
    delimiter: str | None = None
    has_header: bool | None = None

    @classmethod
    def from_config(cls, data: DataConfig) -> TableOptions:
        """The table settings of a run's data section."""
        return cls(text_column=data.text_column, label_column=data.label_column,
                   delimiter=data.delimiter, has_header=data.has_header)


@dataclass(frozen=True)
class SkippedSample:
    """A file or table line left out of the dataset, and why (shown to the user)."""

    source: str
    reason: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Samples with identical content; kept, but reported because they inflate scores."""

    content_hash: str
    sources: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def conflicting(self) -> bool:
        """True when the same content carries different labels (a labelling mistake)."""
        return len(set(self.labels)) > 1


@dataclass(frozen=True)
class Dataset:
    """A validated, labelled dataset: one entry per kept sample in every tuple.

    ``labels[i]`` indexes ``class_names``; ``sample_ids[i]`` is a relative path or ``"line N"``.
    Images keep only their paths (decoding happens once, in ``prepare_data``); texts are held.
    """

    kind: Kind
    path: Path
    class_names: tuple[str, ...]
    labels: tuple[int, ...]
    sample_ids: tuple[str, ...]
    content_hashes: tuple[str, ...]
    texts: tuple[str, ...] | None
    files: tuple[Path, ...] | None
    fingerprint: str
    report: ValidationReport = field(repr=False)
    options: TableOptions = field(default_factory=TableOptions)

    def __len__(self) -> int:
        return len(self.labels)

    def __hash__(self) -> int:
        # Explicit because the report holds a dict; lets engines key caches by dataset.
        return hash((self.fingerprint, self.path, self.sample_ids))

    def class_counts(self) -> dict[str, int]:
        """Kept samples per class name, in ``class_names`` order."""
        counts = dict.fromkeys(self.class_names, 0)
        for label in self.labels:
            counts[self.class_names[label]] += 1
        return counts
