"""Datasets: loading, validation report, fingerprint, splits and in-memory tensors.

No Qt here, and torch is imported only inside the functions that build tensors, so
``import app.core.datasets`` stays cheap for the GUI's first paint.
"""

from app.core.datasets._load import clear_dataset_cache, load_dataset
from app.core.datasets._records import Dataset, DuplicateGroup, SkippedSample, TableOptions
from app.core.datasets._report import ValidationReport

__all__ = [
    "Dataset",
    "DuplicateGroup",
    "SkippedSample",
    "TableOptions",
    "ValidationReport",
    "clear_dataset_cache",
    "load_dataset",
]
