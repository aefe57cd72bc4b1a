"""Datasets: loading, validation report, fingerprint, splits and in-memory tensors.

No Qt here, and torch is imported only inside the functions that build tensors, so
``import app.core.datasets`` stays cheap for the GUI's first paint.
"""

from app.core.datasets._balance import IMBALANCE_RATIO, ClassImbalance, class_imbalance
from app.core.datasets._decoded_store import BUDGET_VARIABLE, DecodedCache, memory_budget
from app.core.datasets._image_cache import (
    DecodedImages,
    clear_image_cache,
    decode_count,
    decode_images,
    default_channels,
)
from app.core.datasets._images import to_array
from app.core.datasets._inference import encode_for_inference, pixels_for_inference
from app.core.datasets._inspection import Inspection, inspect_dataset
from app.core.datasets._label_changes import EXCLUDED, apply_label_changes, load_for_run
from app.core.datasets._load import clear_dataset_cache, load_dataset
from app.core.datasets._near import NearDuplicateGroup, near_duplicates, normalise_text
from app.core.datasets._prepare import PreparedData, TensorSplit, fit_vocabulary, prepare_data
from app.core.datasets._preprocessing import (
    ImagePreprocessing,
    Preprocessing,
    TextPreprocessing,
    preprocessing_from_json,
)
from app.core.datasets._records import Dataset, DuplicateGroup, SkippedSample, TableOptions
from app.core.datasets._report import ValidationReport, format_skipped_summary
from app.core.datasets._rows import Rows
from app.core.datasets._split import Split, split_dataset
from app.core.datasets._split_view import ClassSplit, NearLeak, near_leaks, split_by_class
from app.core.datasets._subword import (
    SubwordPreprocessing,
    package_file,
    verified_file,
)
from app.core.datasets._table_parse import normalise_delimiter
from app.core.datasets._vocab import PAD_ID, UNK_ID, Vocabulary, tokenize

__all__ = [
    "BUDGET_VARIABLE",
    "IMBALANCE_RATIO",
    "EXCLUDED",
    "PAD_ID",
    "UNK_ID",
    "ClassImbalance",
    "ClassSplit",
    "Dataset",
    "DecodedCache",
    "DecodedImages",
    "DuplicateGroup",
    "ImagePreprocessing",
    "Inspection",
    "NearDuplicateGroup",
    "NearLeak",
    "PreparedData",
    "Preprocessing",
    "Rows",
    "SkippedSample",
    "Split",
    "SubwordPreprocessing",
    "TableOptions",
    "TensorSplit",
    "TextPreprocessing",
    "ValidationReport",
    "Vocabulary",
    "class_imbalance",
    "apply_label_changes",
    "clear_dataset_cache",
    "clear_image_cache",
    "decode_count",
    "decode_images",
    "default_channels",
    "encode_for_inference",
    "fit_vocabulary",
    "inspect_dataset",
    "format_skipped_summary",
    "load_dataset",
    "load_for_run",
    "memory_budget",
    "near_duplicates",
    "near_leaks",
    "normalise_delimiter",
    "normalise_text",
    "package_file",
    "pixels_for_inference",
    "prepare_data",
    "preprocessing_from_json",
    "split_by_class",
    "split_dataset",
    "to_array",
    "tokenize",
    "verified_file",
]
