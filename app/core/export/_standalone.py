"""A standalone bundle of an ONNX export: a folder (and its zip) anyone can run without ModelDesk.

The folder holds ``model.onnx``, ``model.json`` (what the graph takes and the preprocessing),
``labels.txt``, ``tokenizer.json`` for subword models, ``predict.py`` (a verbatim copy of
``_standalone_predict.py``, which needs only onnxruntime, numpy and pillow) and a README. It
is built in a hidden temporary folder beside the target and renamed into place, so a failure
or a kill never leaves a half-written bundle under the final name.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from app.core.datasets import verified_file
from app.core.export._errors import ExportError
from app.core.export._standalone_readme import readme_text

PREDICT_TEMPLATE = Path(__file__).with_name("_standalone_predict.py")
REQUIRED_KEYS = ("format", "version", "class_names", "input", "outputs", "tokenizer")


class OnnxExportLike(Protocol):
    """What ``export_onnx`` returns, as far as a bundle needs it."""

    path: Path
    opset: int
    metadata: Mapping[str, Any]


def write_standalone(onnx_export: OnnxExportLike, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``<out_dir>/<name>/`` and ``<out_dir>/<name>.zip``; return both paths.

    ``<name>`` is ``<architecture>_<run uid prefix>_bundle``. An existing bundle of that name
    is replaced only once the new one is complete.

    Raises:
        ExportError: the ONNX file or a metadata key is missing, or ``out_dir`` cannot be
            written (the message names the file or folder and what to do).
    """
    source = Path(onnx_export.path)
    metadata = _checked_metadata(onnx_export.metadata, source)
    tokenizer_file = _tokenizer_source(metadata, source)
    out_dir = Path(out_dir)
    name = bundle_name(metadata, source)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir))
    except OSError as error:
        raise ExportError(f"cannot write the bundle into {out_dir}: "
                          f"{error.strerror or error}; choose a folder you can write to") from None
    try:
        folder = work / name
        _fill(folder, source, metadata, tokenizer_file)
        zip_tmp = _zip(folder, work / f"{name}.zip")
        final_folder, final_zip = out_dir / name, out_dir / f"{name}.zip"
        _replace_folder(folder, final_folder, work)
        os.replace(zip_tmp, final_zip)
    except OSError as error:
        raise ExportError(f"cannot write the bundle into {out_dir}: "
                          f"{error.strerror or error}; nothing was kept") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final_folder, final_zip


def bundle_name(metadata: Mapping[str, Any], source: Path) -> str:
    """``<architecture>_<first 8 of the run uid>[_<compression>]_bundle``, or the ONNX
    file's stem (a compressed version never takes the float model's bundle name)."""
    architecture, uid = metadata.get("architecture"), metadata.get("run_uid")
    method = (metadata.get("compression") or {}).get("method")
    if architecture and uid:
        return f"{architecture}_{str(uid)[:8]}{f'_{method}' if method else ''}_bundle"
    return f"{source.stem}_bundle"


def _checked_metadata(metadata: Mapping[str, Any], source: Path) -> dict[str, Any]:
    if not source.is_file():
        raise ExportError(f"the ONNX file {source} does not exist; export the model "
                          "to ONNX first")
    missing = [key for key in REQUIRED_KEYS if key not in (metadata or {})]
    if missing:
        raise ExportError(f"the model description of {source} lacks "
                          f"{', '.join(repr(k) for k in missing)}; export the model again")
    if metadata["format"] != "modeldesk-onnx" or metadata["version"] != 1:
        raise ExportError(f"{source} is not described as a version 1 ModelDesk ONNX "
                          "export; export the model again")
    return json.loads(json.dumps(metadata))  # a plain, JSON-able copy we may adjust


def _tokenizer_source(metadata: dict[str, Any], source: Path) -> Path | None:
    """The WordPiece ``tokenizer.json``: beside the ONNX file, else the (verified) package's."""
    spec = metadata.get("tokenizer") or {}
    if spec.get("type") != "wordpiece":
        return None
    beside = source.with_name(spec.get("file") or "tokenizer.json")
    if beside.is_file():
        return beside
    pinned = (metadata.get("preprocessing") or {}).get("tokenizer") or {}
    if not all(isinstance(pinned.get(k), str) for k in ("package", "file", "sha256")):
        raise ExportError(f"{beside} is missing and the model description names no "
                          "tokenizer package; export the model again")
    return verified_file(pinned["package"], pinned["file"], pinned["sha256"])


def _fill(folder: Path, source: Path, metadata: dict[str, Any],
          tokenizer_file: Path | None) -> None:
    folder.mkdir()
    shutil.copyfile(source, folder / "model.onnx")
    if tokenizer_file is not None:
        shutil.copyfile(tokenizer_file, folder / "tokenizer.json")
        metadata["tokenizer"]["file"] = "tokenizer.json"
    (folder / "model.json").write_text(json.dumps(metadata, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    (folder / "labels.txt").write_text(
        "".join(f"{name}\n" for name in metadata["class_names"]), encoding="utf-8")
    shutil.copyfile(PREDICT_TEMPLATE, folder / "predict.py")
    (folder / "README.md").write_text(readme_text(metadata, folder.name), encoding="utf-8")


def _zip(folder: Path, target: Path) -> Path:
    """The folder's files under one top-level folder of the same name, deflated."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{folder.name}/{path.name}")
    return target


def _replace_folder(new: Path, final: Path, work: Path) -> None:
    """Rename ``new`` to ``final``; an old ``final`` is moved into ``work`` first (and is
    deleted with it), so the name always holds a complete bundle or none."""
    if final.exists():
        final.rename(work / "previous")
    new.rename(final)
