"""Tiny, learnable datasets written to disk for batch, CLI and run tests.

Both writers are deterministic for a given ``seed`` and make every sample distinct (so the
loader reports no exact duplicates), and both are learnable in one or two epochs: texts carry
class keywords among shared filler words, images are a class colour with mild noise.
"""

from __future__ import annotations

import csv
import random
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

_KEYWORDS = {
    "sports": ("goal", "match", "team", "score", "coach", "league", "striker", "referee"),
    "weather": ("rain", "cloud", "sunny", "storm", "forecast", "wind", "snow", "humid"),
    "cooking": ("oven", "recipe", "garlic", "simmer", "bake", "spice", "onion", "butter"),
    "spam": ("prize", "winner", "claim", "free", "cash", "urgent", "offer", "txt"),
    "ham": ("home", "later", "dinner", "mum", "tonight", "meet", "sorry", "love"),
}
_FILLER = ("the", "a", "today", "we", "really", "was", "this", "very", "and", "then", "our",
           "it", "so", "just", "about", "after", "before", "quite", "again", "there")
_COLOURS = {
    "red": (220, 30, 30), "green": (30, 200, 40), "blue": (30, 40, 220),
    "yellow": (230, 220, 30), "black": (15, 15, 15), "white": (240, 240, 240),
}


def class_keywords(name: str) -> tuple[str, ...]:
    """The words that mark class ``name`` (made up from the name for unknown classes)."""
    return _KEYWORDS.get(name) or tuple(f"{name}{suffix}" for suffix in "abcdefgh")


def text_rows(rows_per_class: int = 30, classes: Sequence[str] = ("sports", "weather", "cooking"),
              seed: int = 0) -> list[tuple[str, str]]:
    """``(text, label)`` pairs, classes interleaved, every text distinct."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[tuple[str, str]] = []
    for _ in range(rows_per_class):
        for label in classes:
            while True:
                words = rng.sample(class_keywords(label), 3) + rng.sample(_FILLER, 4)
                rng.shuffle(words)
                text = " ".join(words)
                if text not in seen:
                    break
            seen.add(text)
            rows.append((text, label))
    return rows


def write_text_table(path: Path, rows_per_class: int = 30,
                     classes: Sequence[str] = ("sports", "weather", "cooking"),
                     delimiter: str = ",", header: bool = True, seed: int = 0) -> Path:
    """A UTF-8 table with columns ``text`` then ``label`` (header row optional)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        if header:
            writer.writerow(("text", "label"))
        writer.writerows(text_rows(rows_per_class, classes, seed))
    return path


def write_image_folder(root: Path, classes: Sequence[str] = ("red", "green", "blue"),
                       per_class: int = 12, size: int = 16, seed: int = 0) -> Path:
    """``root/<class>/NNN.png``: a class-coloured square with per-image noise, RGB PNG."""
    root = Path(root)
    rng = np.random.default_rng(seed)
    for name in classes:
        colour = np.array(_COLOURS.get(name) or _colour_for(name), dtype=np.int16)
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(per_class):
            noise = rng.integers(-25, 26, size=(size, size, 3), dtype=np.int16)
            pixels = np.clip(colour + noise, 0, 255).astype(np.uint8)
            Image.fromarray(pixels, mode="RGB").save(folder / f"{number:03d}.png")
    return root


def _colour_for(name: str) -> tuple[int, int, int]:
    """A stable, saturated-enough colour for a class name not in the table."""
    value = zlib.crc32(name.encode("utf-8"))
    return (value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF)


DECISIVE_TOKENS = {"north": "zorp", "south": "quax"}
"""Class → the one made-up word that decides it in ``write_decisive_token_table``."""


def write_decisive_token_table(path: Path, rows_per_class: int = 40, seed: int = 0) -> Path:
    """A text table where exactly one word decides each label (``DECISIVE_TOKENS``) and the
    rest is filler drawn alike for every class: a test of token attributions knows which
    token must matter most."""
    rng = random.Random(seed)
    rows, seen = [], set()
    for _ in range(rows_per_class):
        for label, token in DECISIVE_TOKENS.items():
            while True:
                words = rng.sample(_FILLER, 6)
                words.insert(rng.randrange(len(words) + 1), token)
                text = " ".join(words)
                if text not in seen:
                    break
            seen.add(text)
            rows.append((text, label))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("text", "label"))
        writer.writerows(rows)
    return path
