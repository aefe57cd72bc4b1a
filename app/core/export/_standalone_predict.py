"""Predict with a ModelDesk model bundle: needs only onnxruntime, numpy and pillow.

    python predict.py photo.jpg more/*.png          # an image model
    python predict.py review.txt --text "Great!"    # a text model: UTF-8 files and/or texts
    python predict.py --json ...                    # the same as a JSON list

Each input gives one line: the input, the most probable class and its probability,
tab-separated. ``model.onnx`` and ``model.json`` (and ``tokenizer.json`` for subword models)
must lie beside this file. The preprocessing below mirrors ModelDesk's own line for line
(images: upright by EXIF, transparency on white, grey or RGB, bilinear resize; texts: its
word tokenizer or the encoder's WordPiece), so the bundle predicts what ModelDesk predicts.
This file is copied verbatim into every bundle; it must not import ModelDesk or torch.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
import unicodedata
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BATCH = 32
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_WHITE_SPACE = frozenset("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
                         + "".join(chr(c) for c in range(0x2000, 0x200B)))
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
        (0x2B740, 0x2B81F), (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))

# Characters that the ``tokenizers`` library (its Unicode tables predate Python's) sees as
# unassigned, hence plain letters: never stripped as accents, split off as punctuation or
# dropped as control characters. Found by comparing every code point with the library;
# ModelDesk's tests repeat that comparison. Three more changed category since (_OLD_CATEGORY).
_PLAIN_RANGES = (
    "0x61D 0x7FD 0x890-0x891 0x898-0x89F 0x8CA-0x8E2 0x9FD-0x9FE 0xA76 0xAFA-0xAFF 0xB55 0xC04 "
    "0xC3C 0xC77 0xC84 0xD00 0xD3B-0xD3C 0xD81 0xEBA 0x180F 0x1885-0x1886 0x1ABF-0x1ACE "
    "0x1B7D-0x1B7E 0x1DF6-0x1DFB 0x2E43-0x2E4F 0x2E52-0x2E5D 0xA82C 0xA8C5 0xA8FF 0xA9BD "
    "0x10D24-0x10D27 0x10EAB-0x10EAD 0x10F46-0x10F50 0x10F55-0x10F59 0x10F82-0x10F89 0x11070 "
    "0x11073-0x11074 0x110C2 0x110CD 0x111CF 0x1123E 0x1133B 0x11438-0x1143F 0x11442-0x11444 "
    "0x11446 0x1144B-0x1144F 0x1145A-0x1145B 0x1145D-0x1145E 0x11660-0x1166C 0x116B9 "
    "0x1182F-0x11837 0x11839-0x1183B 0x1193B-0x1193C 0x1193E 0x11943-0x11946 0x119D4-0x119D7 "
    "0x119DA-0x119DB 0x119E0 0x119E2 0x11A01-0x11A0A 0x11A33-0x11A38 0x11A3B-0x11A47 "
    "0x11A51-0x11A56 0x11A59-0x11A5B 0x11A8A-0x11A96 0x11A98-0x11A9C 0x11A9E-0x11AA2 "
    "0x11C30-0x11C36 0x11C38-0x11C3D 0x11C3F 0x11C41-0x11C45 0x11C70-0x11C71 0x11C92-0x11CA7 "
    "0x11CAA-0x11CB0 0x11CB2-0x11CB3 0x11CB5-0x11CB6 0x11D31-0x11D36 0x11D3A 0x11D3C-0x11D3D "
    "0x11D3F-0x11D45 0x11D47 0x11D90-0x11D91 0x11D95 0x11D97 0x11EF3-0x11EF4 0x11EF7-0x11EF8 "
    "0x11FFF 0x12FF1-0x12FF2 0x13430-0x13438 0x16E97-0x16E9A 0x16F4F 0x16FE2 0x16FE4 "
    "0x1CF00-0x1CF2D 0x1CF30-0x1CF46 0x1E000-0x1E006 0x1E008-0x1E018 0x1E01B-0x1E021 "
    "0x1E023-0x1E024 0x1E026-0x1E02A 0x1E130-0x1E136 0x1E2AE 0x1E2EC-0x1E2EF 0x1E944-0x1E94A "
    "0x1E95E-0x1E95F"
)
_PLAIN_TO_TOKENIZERS = tuple(tuple(int(end, 16) for end in (item.split("-") * 2)[:2])
                             for item in _PLAIN_RANGES.split(" "))
_OLD_CATEGORY = {0x166D: "Po", 0x1734: "Mn", 0x111C9: "Po"}


class BundleError(Exception):
    """A problem the user can fix, said in one line (never a traceback)."""


def read_metadata(folder: Path) -> dict:
    """``model.json``: what the model takes and returns, written by ModelDesk's export."""
    path = folder / "model.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleError(f"{path} is missing; keep predict.py in the bundle folder beside "
                          "model.onnx and model.json, or export the bundle again") from None
    except (OSError, ValueError) as error:
        raise BundleError(f"{path} cannot be read ({error}); export the bundle again") from None
    if not isinstance(data, dict) or data.get("format") != "modeldesk-onnx":
        raise BundleError(f"{path} is not a ModelDesk model description")
    if data.get("version") != 1:
        raise BundleError(f"{path} is version {data.get('version')!r}; this predict.py reads "
                          "version 1 (export the bundle again with this ModelDesk)")
    return data


# --- images: the same steps as ModelDesk's app/core/datasets/_images.py `to_array` ---------

def image_pixels(path: Path, size: int, channels: int) -> np.ndarray:
    """``size×size×channels`` uint8 pixels of the image file at ``path``."""
    from PIL import Image

    with Image.open(path) as img:
        img.load()
        img = _flatten(_upright(img))
        img = img.convert("L" if channels == 1 else "RGB")
        if img.size != (size, size):
            img = img.resize((size, size), Image.Resampling.BILINEAR)
        array = np.asarray(img, dtype=np.uint8)
    return array[:, :, np.newaxis].copy() if channels == 1 else np.ascontiguousarray(array)


def _upright(img):
    from PIL import ExifTags, ImageOps

    try:
        if img.getexif().get(ExifTags.Base.Orientation, 1) in range(2, 9):
            return ImageOps.exif_transpose(img)
    except Exception:  # unreadable EXIF: keep the pixels as stored, as ModelDesk does
        pass
    return img


def _flatten(img):
    """16-bit and float grey scaled to 8 bits; transparent pixels composited onto white."""
    from PIL import Image

    if img.mode.startswith("I") or img.mode == "F":
        values = np.asarray(img, dtype=np.float64)
        if values.size and values.max() > 255:
            values = values / 257.0
        return Image.fromarray(np.clip(np.rint(values), 0, 255).astype(np.uint8), mode="L")
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in _ALPHA_MODES:
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        composited = Image.alpha_composite(background, rgba)
        return composited.convert("L" if img.mode in ("LA", "La") else "RGB")
    return img


# --- texts: ModelDesk's word tokenizer (app/core/datasets/_vocab.py, _tensors.py) -----------

class WordTokenizer:
    """Lower-cased word and punctuation tokens → vocabulary ids, padded to ``max_length``."""

    def __init__(self, spec: dict) -> None:
        self.pattern = re.compile(spec["pattern"])
        self.lowercase = bool(spec.get("lowercase", True))
        self.ids = {token: i for i, token in enumerate(spec["vocabulary"])}
        self.pad_id, self.unknown_id = int(spec["pad_id"]), int(spec["unknown_id"])
        self.max_length = int(spec["max_length"])

    def encode(self, texts: list[str]) -> np.ndarray:
        ids = np.full((len(texts), self.max_length), self.pad_id, dtype=np.int64)
        for row, text in enumerate(texts):
            tokens = self.pattern.findall(text.lower() if self.lowercase else text)
            encoded = [self.ids.get(t, self.unknown_id) for t in tokens[:self.max_length]]
            encoded = encoded or [self.unknown_id]  # never an all-pad row, as in ModelDesk
            ids[row, :len(encoded)] = encoded
        return ids


# --- texts: a BERT WordPiece tokenizer.json, as the `tokenizers` library applies it ---------

class WordPieceTokenizer:
    """BERT normaliser, BERT pre-tokenizer, greedy WordPiece, ``[CLS] … [SEP]``.

    Written out here so the bundle needs no ``tokenizers`` package; ModelDesk's tests check
    it against that library on thousands of real texts.
    """

    def __init__(self, data: dict, max_length: int) -> None:
        model, norm = data.get("model") or {}, data.get("normalizer") or {}
        if model.get("type") != "WordPiece" or norm.get("type") != "BertNormalizer" or (
                (data.get("pre_tokenizer") or {}).get("type") != "BertPreTokenizer"):
            raise BundleError("tokenizer.json is not a BERT WordPiece tokenizer")
        self.vocab: dict = model["vocab"]
        self.unknown_id = self.vocab[model["unk_token"]]
        self.prefix = model.get("continuing_subword_prefix", "##")
        self.max_chars = int(model.get("max_input_chars_per_word", 100))
        self.clean = norm.get("clean_text", True)
        self.cjk = norm.get("handle_chinese_chars", True)
        self.lowercase = norm.get("lowercase", True)
        accents = norm.get("strip_accents")
        self.strip_accents = self.lowercase if accents is None else accents
        special = data["post_processor"]["special_tokens"]
        self.cls_id, self.sep_id = special["[CLS]"]["ids"][0], special["[SEP]"]["ids"][0]
        added = sorted((t for t in data.get("added_tokens", ())), key=lambda t: -len(t["content"]))
        self.added = {t["content"]: t["id"] for t in added}
        self.added_pattern = re.compile("|".join(re.escape(t["content"]) for t in added)) \
            if added else None
        self.max_length = max_length

    def encode(self, texts: list[str]) -> np.ndarray:
        """Right-padded ids, as wide as the longest text (at most ``max_length``); a text cut
        short keeps its closing ``[SEP]`` (ModelDesk's ``SubwordPreprocessing.encode``)."""
        rows = [self.ids(text) for text in texts]
        width = max(max((min(len(r), self.max_length) for r in rows), default=1), 1)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        for row, full in enumerate(rows):
            tokens = full[:min(width, self.max_length)]
            if len(full) > len(tokens) and tokens:
                tokens = [*tokens[:-1], full[-1]]
            ids[row, :len(tokens)] = tokens
        return ids

    def ids(self, text: str) -> list[int]:
        out = [self.cls_id]
        for piece, added_id in self._split_added(text):
            if added_id is not None:
                out.append(added_id)
                continue
            for word in self._words(self._normalize(piece)):
                out.extend(self._wordpiece(word))
        out.append(self.sep_id)
        return out

    def _split_added(self, text: str):
        """Special tokens written in the text (``[MASK]``) are matched before normalising."""
        start = 0
        for match in self.added_pattern.finditer(text) if self.added_pattern else ():
            yield text[start:match.start()], None
            yield match.group(), self.added[match.group()]
            start = match.end()
        yield text[start:], None

    def _normalize(self, text: str) -> str:
        if self.clean:
            text = "".join(" " if c in _WHITE_SPACE else c for c in text
                           if c not in "\x00\ufffd" and not _is_control(c))
        if self.cjk:
            text = "".join(f" {c} " if _is_cjk(c) else c for c in text)
        if self.strip_accents:
            text = "".join(c for c in unicodedata.normalize("NFD", text)
                           if _category(c) != "Mn")
        if self.lowercase:
            text = "".join(c.lower() for c in text)  # per character: no final-sigma rule
        return text

    @staticmethod
    def _words(text: str) -> list[str]:
        words, current = [], []
        for c in text:
            if c in _WHITE_SPACE:
                words.append("".join(current))
                current = []
            elif _is_punctuation(c):
                words.extend(("".join(current), c))
                current = []
            else:
                current.append(c)
        words.append("".join(current))
        return [w for w in words if w]

    def _wordpiece(self, word: str) -> list[int]:
        if len(word) > self.max_chars:
            return [self.unknown_id]
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else self.prefix + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unknown_id]
            pieces.append(found)
            start = end
        return pieces


def _category(c: str) -> str:
    """The Unicode category as the ``tokenizers`` library's tables give it."""
    code = ord(c)
    if code in _OLD_CATEGORY:
        return _OLD_CATEGORY[code]
    at = bisect.bisect_right(_PLAIN_TO_TOKENIZERS, (code, 0x10FFFF)) - 1
    if at >= 0 and _PLAIN_TO_TOKENIZERS[at][0] <= code <= _PLAIN_TO_TOKENIZERS[at][1]:
        return "Cn"
    return unicodedata.category(c)


def _is_control(c: str) -> bool:
    return c not in "\t\n\r" and _category(c) in ("Cc", "Cf", "Co", "Cs")


def _is_cjk(c: str) -> bool:
    code = ord(c)
    return any(low <= code <= high for low, high in _CJK)


def _is_punctuation(c: str) -> bool:
    return (c.isascii() and not c.isalnum() and c.isprintable() and c != " ") or \
        _category(c).startswith("P")


# --- running the model ---------------------------------------------------------------------

def text_encoder(meta: dict, folder: Path):
    spec = meta.get("tokenizer") or {}
    if spec.get("type") == "words":
        return WordTokenizer(spec)
    if spec.get("type") == "wordpiece":
        path = folder / spec.get("file", "tokenizer.json")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise BundleError(f"{path} cannot be read ({error}); export the bundle again") \
                from None
        return WordPieceTokenizer(data, int(spec["max_length"]))
    raise BundleError(f"model.json names no tokenizer this predict.py knows ({spec.get('type')!r})")


def read_text_file(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("it is UTF-16 text; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"it is not UTF-8 text (byte {error.start}); save it as UTF-8") \
            from None


def shown(text: str) -> str:
    """One line of the tab-separated output: tabs and line breaks written as escapes."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") \
        .replace("\r", "\\r")


def load_inputs(meta: dict, files: list[str], texts: list[str], failures: list[str]):
    """``(label, pixels or text)`` per readable input, in order; each unreadable file is said
    in one line on stderr and added to ``failures``, and the others still run."""
    is_image = meta["input"]["name"] == "pixels"
    if is_image and texts:
        raise BundleError("this is an image model; --text is for text models")
    for name in files:
        try:
            if is_image:
                _, height, _, channels = meta["input"]["shape"]
                yield name, image_pixels(Path(name), int(height), int(channels))
            else:
                yield name, read_text_file(Path(name))
        except Exception as error:  # PIL raises many kinds; each is one line for the user
            reason = "no such file" if isinstance(error, FileNotFoundError) else error
            print(f"predict.py: cannot read {name}: {reason}", file=sys.stderr)
            failures.append(name)
    for text in texts:
        yield text, text


def predict(session, meta: dict, encode, batch: list) -> list[tuple[str, float]]:
    names = meta["class_names"]
    inputs = np.stack([item for _, item in batch]) if encode is None else \
        encode([item for _, item in batch])
    probabilities = session.run(["probabilities"], {meta["input"]["name"]: inputs})[0]
    best = probabilities.argmax(axis=1)
    return [(names[int(i)], float(row[int(i)])) for i, row in zip(best, probabilities, strict=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", help="image files, or UTF-8 text files")
    parser.add_argument("--text", action="append", default=[], help="a text (repeatable)")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.add_argument("--batch-size", type=int, default=BATCH)
    args = parser.parse_args(argv)
    if not args.files and not args.text:
        parser.error("give image or text files, or --text")
    results: list[dict] = []
    failures: list[str] = []
    try:
        meta = read_metadata(HERE)
        import onnxruntime

        session = onnxruntime.InferenceSession(str(HERE / "model.onnx"),
                                               providers=["CPUExecutionProvider"])
        encode = None if meta["input"]["name"] == "pixels" else text_encoder(meta, HERE).encode
        batch: list = []
        for item in load_inputs(meta, args.files, args.text, failures):
            batch.append(item)
            if len(batch) == max(args.batch_size, 1):
                results += _emit(batch, predict(session, meta, encode, batch), args.json)
                batch = []
        if batch:
            results += _emit(batch, predict(session, meta, encode, batch), args.json)
    except BundleError as error:
        print(f"predict.py: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 1 if failures else 0


def _emit(batch: list, predictions: list, as_json: bool) -> list[dict]:
    rows = [{"input": label, "class": name, "probability": p}
            for (label, _), (name, p) in zip(batch, predictions, strict=True)]
    if not as_json:
        for row in rows:
            print(f"{shown(row['input'])}\t{row['class']}\t{row['probability']:.4f}", flush=True)
    return rows


if __name__ == "__main__":
    sys.exit(main())
