"""What an exported model says about itself: the ``modeldesk`` metadata record.

A program given ``model.onnx`` must not need ModelDesk to use it, so the record carries the
class names, the input's layout and the tokenizer (a word vocabulary inline, or the name of
the WordPiece file copied beside). The same JSON object is stored in the ONNX file's
``metadata_props`` under ``modeldesk`` and as ``model.json`` beside it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import app
from app.core.datasets import (
    ImagePreprocessing,
    SubwordPreprocessing,
    TextPreprocessing,
    verified_file,
)
from app.core.datasets._vocab import _TOKEN
from app.core.export._graph import OUTPUT_NAMES, input_description
from app.core.models import ModelBundle

METADATA_KEY = "modeldesk"
METADATA_FILE = "model.json"
TOKENIZER_FILE = "tokenizer.json"
METADATA_VERSION = 1


def export_metadata(bundle: ModelBundle, *, file_format: str, opset: int | None = None,
                    sequence: int | None = None) -> dict[str, Any]:
    """The record for ``bundle`` exported as ``file_format`` (``"onnx"`` or ``"pt2"``);
    ``sequence`` is the fixed number of tokens, when the export fixes it."""
    pre = bundle.preprocessing
    preprocessing = pre.to_json()
    if isinstance(pre, ImagePreprocessing):
        preprocessing.update(resize="bilinear", color="L" if pre.channels == 1 else "RGB")
    record: dict[str, Any] = {
        "format": f"modeldesk-{file_format}", "version": METADATA_VERSION,
        "architecture": bundle.architecture, "run_uid": bundle.run_uid,
        "class_names": list(bundle.class_names), "modeldesk_version": app.__version__,
        "input": input_description(bundle, sequence), "outputs": list(OUTPUT_NAMES),
        "preprocessing": preprocessing, "tokenizer": tokenizer_record(bundle), "parity": None,
    }
    if opset is not None:
        record["opset"] = opset
    return record


def tokenizer_record(bundle: ModelBundle) -> dict[str, Any] | None:
    """How texts become ``input_ids``: ``None`` for images."""
    pre = bundle.preprocessing
    if isinstance(pre, SubwordPreprocessing):
        return {"type": "wordpiece", "file": TOKENIZER_FILE, "max_length": pre.max_length}
    if isinstance(pre, TextPreprocessing):
        return {"type": "words", "pattern": _TOKEN.pattern, "lowercase": pre.lowercase,
                "vocabulary": list(pre.vocabulary.tokens), "pad_id": 0, "unknown_id": 1,
                "max_length": pre.max_length}
    return None


def tokenizer_source(bundle: ModelBundle) -> Path | None:
    """The WordPiece file to copy beside the export (checked against its pinned hash)."""
    pre = bundle.preprocessing
    if isinstance(pre, SubwordPreprocessing):
        return verified_file(pre.package, pre.file, pre.sha256)
    return None


def metadata_text(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
