"""The README of a standalone bundle: what the model is, what it expects, how to run it.

Written from ``model.json`` alone, so it says exactly what the graph and ``predict.py`` do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REQUIREMENTS = "onnxruntime numpy pillow"


def readme_text(meta: Mapping[str, Any], name: str) -> str:
    """Markdown for the bundle folder ``name`` described by ``meta`` (``model.json``)."""
    is_image = meta["input"]["name"] == "pixels"
    classes = meta["class_names"]
    source = f"run `{meta['run_uid']}`" if meta.get("run_uid") else "a ModelDesk run"
    lines = [
        f"# {name}",
        "",
        f"{'An image' if is_image else 'A text'} classifier (`{meta.get('architecture', '?')}`) "
        f"trained in ModelDesk ({source}, ModelDesk {meta.get('modeldesk_version', '?')}), "
        f"exported to ONNX (opset {meta.get('opset', '?')}). It runs without ModelDesk or "
        "PyTorch: `predict.py` needs only onnxruntime, numpy and pillow.",
        "",
        "Files: `model.onnx` (the model, preprocessing inside), `model.json` (what it takes and "
        "returns), `labels.txt` (the classes, one a line, in output order), `predict.py`"
        + (", `tokenizer.json` (the WordPiece vocabulary)" if _wordpiece(meta) else "")
        + ", this README.",
        "",
        f"## Classes ({len(classes)})",
        "",
        *[f"{i}. {c}" for i, c in enumerate(classes)],
        "",
        "## Preprocessing",
        "",
        *(_image_steps(meta) if is_image else _text_steps(meta)),
        "",
        "Outputs: `probabilities` (float32 `[batch, classes]`, softmax applied) and `logits`. "
        "The batch axis is dynamic" + ("" if is_image else ", and so is the sequence axis") + ".",
        "",
        "## Run it",
        "",
        "```",
        f"pip install {REQUIREMENTS}",
        *(["python predict.py photo.jpg more/*.png"] if is_image else
          ["python predict.py review.txt other.txt", 'python predict.py --text "some text" '
           '--text "another"']),
        "python predict.py --json ...        # the same as a JSON list",
        "```",
        "",
        "Each input gives one line: the input, the most probable class and its probability, "
        "tab-separated (`--json`: a list of `{\"input\", \"class\", \"probability\"}`). Inputs "
        "are run 32 at a time (`--batch-size`). An input that cannot be read is named in one "
        "line on stderr, the others are still predicted, and the exit code is 1; a broken "
        "bundle (say `model.json` missing) exits with 2.",
        "",
        "## Requirements",
        "",
        f"`{REQUIREMENTS}` (Python 3.10 or newer).",
        "",
        "## Agreement with ModelDesk",
        "",
        *(_compression_lines(meta["compression"]) if meta.get("compression")
          else _parity_lines(meta.get("parity"))),
        "",
    ]
    return "\n".join(lines)


def _image_steps(meta: Mapping[str, Any]) -> list[str]:
    _, height, width, channels = meta["input"]["shape"]
    pre = meta.get("preprocessing") or {}
    colour = "grey (`L`)" if channels == 1 else "RGB"
    steps = [
        f"Input `pixels`: uint8 `[batch, {height}, {width}, {channels}]` (NHWC, what "
        "`numpy.asarray(PIL image)` gives). `predict.py` prepares each file as ModelDesk does:",
        "",
        "1. decode it and turn it upright as its EXIF orientation says;",
        "2. composite transparent pixels onto white (16-bit grey is scaled to 8 bits);",
        f"3. convert it to {colour};",
        f"4. resize it to {width}×{height} with bilinear resampling (PIL), aspect ratio not kept.",
    ]
    if "mean" in pre and "std" in pre:
        steps += ["", f"Inside the graph: `(pixels / 255 - mean) / std` with mean {pre['mean']} "
                      f"and std {pre['std']}, channels first."]
    return steps


def _text_steps(meta: Mapping[str, Any]) -> list[str]:
    spec = meta["tokenizer"]
    if spec["type"] == "words":
        return [
            "Input `input_ids`: int64 `[batch, sequence]`, right-padded with 0. Each text is "
            "lower-cased and split into words and punctuation marks with the regular expression "
            f"`{spec['pattern']}`; each token becomes its id in the vocabulary (in `model.json`, "
            f"{len(spec['vocabulary'])} tokens; unknown tokens are {spec['unknown_id']}), cut "
            f"to {spec['max_length']} tokens. A text without tokens becomes one unknown token."]
    return [
        "Input `input_ids`: int64 `[batch, sequence]`, right-padded with 0. Texts go through "
        "the BERT WordPiece tokenizer in `tokenizer.json` (clean-up, Chinese characters spaced, "
        "accents stripped, lower-cased, split at spaces and punctuation, longest-match word "
        "pieces with `##`, `[UNK]` for the rest), framed by `[CLS]` … `[SEP]` and cut to "
        f"{spec['max_length']} tokens, keeping the closing `[SEP]`. `predict.py` does this in "
        "plain Python (no `tokenizers` package needed)."]


def _wordpiece(meta: Mapping[str, Any]) -> bool:
    return (meta.get("tokenizer") or {}).get("type") == "wordpiece"


def _parity_lines(parity: Any) -> list[str]:
    """The check ``export_run`` made (``Parity.to_json()``), or a warning that none was."""
    if not isinstance(parity, Mapping) or not parity:
        return ["Not checked when this bundle was written: compare a few predictions with "
                "ModelDesk's before relying on it."]
    verdict = "**passed**" if parity.get("passed") else "**failed**"
    one, many = parity.get("batch_1") or {}, parity.get("batch_n") or {}
    return [
        f"Checked against PyTorch on {parity.get('samples', '?')} of the run's held-out test "
        f"samples with onnxruntime: {verdict}.",
        "",
        f"- top-1 agreement: {_share(one.get('agreement'))} at batch 1, "
        f"{_share(many.get('agreement'))} at batch {parity.get('batch_size', '?')}",
        f"- largest difference of any class probability: {_number(parity.get('max_abs_diff'))} "
        f"(tolerance {_number(parity.get('tolerance'))})",
        f"- rule: {parity.get('rule', 'top-1 agreement 1.0 and the difference within tolerance')}",
    ]


def _compression_lines(compression: Mapping[str, Any]) -> list[str]:
    """A compressed model is measured, not parity-checked: say how far it moved."""
    return [
        f"A compressed version (`{compression.get('method', '?')}`) of the run's model, so its "
        "probabilities differ from the float model's by design. Measured on "
        f"{compression.get('test_samples', '?')} of the run's held-out test samples:",
        "",
        f"- test accuracy {_share(compression.get('accuracy'))} (float model "
        f"{_share(compression.get('source_accuracy'))})",
        f"- same top class as the float model on {_share(compression.get('top1_agreement'))}",
        f"- rule for passing: {compression.get('status_rule', 'not recorded')}",
    ]


def _share(value: Any) -> str:
    return f"{value:.2%}" if isinstance(value, int | float) else "?"


def _number(value: Any) -> str:
    return f"{value:.1e}" if isinstance(value, int | float) else "?"
