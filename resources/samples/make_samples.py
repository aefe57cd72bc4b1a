"""Regenerate ModelDesk's bundled sample datasets.

Why this exists: the app ships two tiny datasets so that a new user can train a classifier
within a minute without internet, and so that tests and demos have a known-good input. Both are
made procedurally here rather than collected, so there is no licence question and anyone can see
exactly where every sample came from.

- ``shapes/<class>/NNN.png``: 32x32 RGB drawings of a circle, square, triangle or star with
  random colours, size, position and rotation, a shaded background and mild noise.
- ``topics.csv``: columns ``text,label``; short template-made sentences about sports, weather,
  cooking or technology, with shared filler words and words that belong to several topics.

Run it from the repository root (Python 3.11, numpy needed; no torch)::

    python resources/samples/make_samples.py            # rewrite the committed files
    python resources/samples/make_samples.py /tmp/out   # write a fresh copy elsewhere

Contract: the output depends only on the seeds below, so running it twice gives byte-identical
files. Randomness comes from ``random.Random`` (whose seeded stream Python keeps stable), the
shapes are rasterised with plain numpy arithmetic, and the PNGs are encoded here with the standard
library's zlib at a fixed level and a fixed filter choice rather than by Pillow, whose wheels may
bundle a different deflate implementation (zlib-ng) and would make the bytes depend on how Pillow
was installed. Changing anything here changes the data: rerun the script and commit its output
together with the change.
"""

from __future__ import annotations

import csv
import math
import random
import struct
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

SEED = 20_241_124
IMAGE_SIZE = 32
SHAPE_CLASSES = ("circle", "square", "triangle", "star")
IMAGES_PER_CLASS = 150
TOPIC_CLASSES = ("cooking", "sports", "technology", "weather")
ROWS_PER_TOPIC = 200

_SIZE_RANGE = (6.5, 10.5)  # the side of a square of the same area as the shape, over sqrt(2)
_SUPERSAMPLE = 4  # subsamples per pixel side for anti-aliased edges
_GRAYSCALE_FRACTION = 0.12
_MIN_LUMA_CONTRAST = 75.0
_NOISE_FRACTION = 0.05  # share of pixels that get speckle noise
_NOISE_MAX = 12  # largest speckle amplitude (grey levels); each image draws its own


# --------------------------------------------------------------------------------------------
# PNG encoding (deterministic, stdlib only)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _filter_rows(pixels: np.ndarray, kind: int) -> bytes:
    """Apply one PNG filter type (0 none, 1 sub, 2 up, 4 paeth) to every row."""
    rows = pixels.reshape(pixels.shape[0], -1).astype(np.int16)
    bpp = pixels.shape[2]
    left = np.zeros_like(rows)
    left[:, bpp:] = rows[:, :-bpp]
    up = np.zeros_like(rows)
    up[1:] = rows[:-1]
    if kind == 0:
        out = rows
    elif kind == 1:
        out = rows - left
    elif kind == 2:
        out = rows - up
    elif kind == 4:
        upleft = np.zeros_like(rows)
        upleft[1:, bpp:] = rows[:-1, :-bpp]
        p = left + up - upleft
        pa, pb, pc = np.abs(p - left), np.abs(p - up), np.abs(p - upleft)
        pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, upleft))
        out = rows - pred
    else:
        raise ValueError(f"unsupported PNG filter {kind}")
    body = (out % 256).astype(np.uint8)
    tags = np.full((rows.shape[0], 1), kind, dtype=np.uint8)
    return np.hstack([tags, body]).tobytes()


def encode_png(pixels: np.ndarray) -> bytes:
    """Encode an ``H x W x 3`` uint8 array as a minimal 8-bit RGB PNG.

    Tries each filter type for the whole image and keeps the smallest result, so the choice
    depends only on the pixels.
    """
    height, width, _ = pixels.shape
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    streams = [zlib.compress(_filter_rows(pixels, kind), 9) for kind in (0, 1, 2, 4)]
    idat = min(streams, key=len)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------------------------
# Shapes


def _polygon(cx: float, cy: float, radii: Sequence[float], angle: float) -> list[tuple]:
    step = 2 * math.pi / len(radii)
    return [
        (cx + r * math.cos(angle + i * step), cy + r * math.sin(angle + i * step))
        for i, r in enumerate(radii)
    ]


def _inside_polygon(x: np.ndarray, y: np.ndarray, vertices: list[tuple]) -> np.ndarray:
    """Even-odd rule, so the concave star works as well as the convex shapes."""
    inside = np.zeros(x.shape, dtype=bool)
    for (x0, y0), (x1, y1) in zip(vertices, vertices[1:] + vertices[:1], strict=True):
        if y0 == y1:
            continue
        crosses = (y0 > y) != (y1 > y)
        x_at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (x < x_at)
    return inside


def _coverage(shape: str, rng: random.Random) -> np.ndarray:
    """Fraction of each pixel covered by one randomly placed shape, ``H x W`` in [0, 1].

    Sizes are scaled so every class covers about the same area: the net has to learn the
    outline, not count foreground pixels.
    """
    size = rng.uniform(*_SIZE_RANGE)
    angle = rng.uniform(0.0, 2 * math.pi)
    if shape == "circle":
        reach = 0.8 * size
    elif shape == "square":
        reach = size * rng.uniform(0.95, 1.05)
    elif shape == "triangle":
        reach = 1.24 * size
    else:
        inner = rng.uniform(0.38, 0.5)
        reach = size * math.sqrt(2.0 / (5 * inner * math.sin(math.pi / 5)))
    margin = min(reach + 0.5, IMAGE_SIZE / 2)
    cx = rng.uniform(margin, IMAGE_SIZE - margin)
    cy = rng.uniform(margin, IMAGE_SIZE - margin)

    n = IMAGE_SIZE * _SUPERSAMPLE
    coords = (np.arange(n, dtype=np.float64) + 0.5) / _SUPERSAMPLE
    x, y = np.meshgrid(coords, coords)
    if shape == "circle":
        mask = (x - cx) ** 2 + (y - cy) ** 2 <= reach**2
    elif shape == "square":
        stretch = rng.uniform(0.9, 1.1)  # a little oblong now and then
        half = reach / math.sqrt(2)
        cos_a, sin_a = math.cos(angle), math.sin(angle)
        u = (x - cx) * cos_a + (y - cy) * sin_a
        v = -(x - cx) * sin_a + (y - cy) * cos_a
        mask = (np.abs(u) <= half * stretch) & (np.abs(v) <= half / stretch)
    elif shape == "triangle":
        mask = _inside_polygon(x, y, _polygon(cx, cy, [reach] * 3, angle))
    else:
        radii = [reach if i % 2 == 0 else reach * inner for i in range(10)]
        mask = _inside_polygon(x, y, _polygon(cx, cy, radii, angle))
    return mask.reshape(IMAGE_SIZE, _SUPERSAMPLE, IMAGE_SIZE, _SUPERSAMPLE).mean(axis=(1, 3))


def _luma(rgb: Sequence[float]) -> float:
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def _colours(rng: random.Random) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A foreground and background colour far enough apart in brightness to survive grayscale.

    The shape is always the brighter of the two: with both polarities a small CNN needs several
    times more than 80 images a class to reach the same accuracy.
    """
    grey = rng.random() < _GRAYSCALE_FRACTION
    while True:
        if grey:
            fg = (rng.randrange(256),) * 3
            bg = (rng.randrange(256),) * 3
        else:
            fg = tuple(rng.randrange(256) for _ in range(3))
            bg = tuple(rng.randrange(256) for _ in range(3))
        if _luma(fg) - _luma(bg) >= _MIN_LUMA_CONTRAST:
            return fg, bg


def render_shape_with_coverage(shape: str, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """One ``32 x 32 x 3`` uint8 image of ``shape``, and the ``32 x 32`` fraction of each
    pixel the shape covers (tests of saliency maps compare a map with where the shape is)."""
    coverage = _coverage(shape, rng)
    alpha = coverage[:, :, None]
    fg, bg = _colours(rng)
    # A gentle linear shade across the background, in a random direction.
    direction = rng.uniform(0.0, 2 * math.pi)
    strength = rng.uniform(0.0, 20.0)
    ramp = np.linspace(-1.0, 1.0, IMAGE_SIZE)
    shade = strength * (math.cos(direction) * ramp[None, :] + math.sin(direction) * ramp[:, None])
    background = np.asarray(bg, dtype=np.float64) + shade[:, :, None]
    image = alpha * np.asarray(fg, dtype=np.float64) + (1.0 - alpha) * background
    # Grey speckle on one pixel in twenty. Denser or per-channel noise would look
    # much the same to a small CNN but would double the size of the PNGs.
    amplitude = rng.randint(2, _NOISE_MAX)
    raw = np.frombuffer(rng.randbytes(2 * IMAGE_SIZE * IMAGE_SIZE), dtype=np.uint8)
    hit, level = raw.reshape(2, IMAGE_SIZE, IMAGE_SIZE, 1).astype(np.float64)
    speckle = (hit < _NOISE_FRACTION * 256) * (level % (2 * amplitude + 1) - amplitude)
    image = image + speckle
    return np.clip(np.floor(image + 0.5), 0, 255).astype(np.uint8), coverage


def shape_images(seed: int = SEED):  # noqa: ANN201 - an iterator of tuples
    """``(class, index, image, coverage)`` for every image ``write_shapes`` writes, in its
    order (the same random stream), without writing anything."""
    rng = random.Random(seed)
    for shape in SHAPE_CLASSES:
        for index in range(IMAGES_PER_CLASS):
            yield (shape, index, *render_shape_with_coverage(shape, rng))


def write_shapes(out_dir: Path, seed: int = SEED) -> dict[str, int]:
    """Write ``shapes/<class>/NNN.png`` under ``out_dir``; returns images per class."""
    written: dict[str, set[str]] = {shape: set() for shape in SHAPE_CLASSES}
    for shape, index, image, _coverage_map in shape_images(seed):
        class_dir = out_dir / "shapes" / shape
        class_dir.mkdir(parents=True, exist_ok=True)
        path = class_dir / f"{index:03d}.png"
        path.write_bytes(encode_png(image))
        written[shape].add(path.name)
    for shape, names in written.items():
        for stale in (out_dir / "shapes" / shape).glob("*.png"):
            if stale.name not in names:
                stale.unlink()
    return {shape: len(names) for shape, names in written.items()}


# --------------------------------------------------------------------------------------------
# Topics

# Words that belong to one topic. Every sentence draws its subject and object from its own topic
# or from the ambiguous words that topic shares with others, so no single word decides a label.
_VOCAB = {
    "sports": {
        "who": ["the coach", "the striker", "the goalkeeper", "our captain", "the referee",
                "the rookie", "the midfielder", "the home side", "the visiting team",
                "the veteran defender", "the sprinter", "the umpire"],
        "thing": ["the match", "the league table", "the final whistle", "the penalty kick",
                  "the playoff game", "the training session", "the tournament", "the transfer",
                  "the second half", "the derby", "the relay race", "the championship"],
        "act": ["scored in", "trained hard for", "argued about", "celebrated", "was benched for",
                "warmed up before", "lost focus during", "dominated", "was injured in",
                "cheered through"],
        "tag": ["with a late goal", "after extra time", "despite the injury",
                "in front of the fans", "on the away ground", "before the transfer window"],
    },
    "weather": {
        "who": ["the forecaster", "the meteorologist", "the coast guard", "the weather office",
                "the farmers", "the ferry crew", "the hikers", "the storm chasers"],
        "thing": ["the forecast", "the thunderstorm", "the humidity", "the fog", "the drizzle",
                  "the frost", "the heatwave", "the hailstorm", "the cold snap", "the rainfall",
                  "the gusts", "the snowfall", "the barometer"],
        "act": ["warned about", "measured", "predicted", "tracked", "waited out",
                "was surprised by", "reported on", "sheltered from", "drove through"],
        "tag": ["with gusts near the coast", "under grey clouds", "as the mist lifted",
                "before the showers", "with freezing rain overnight", "above the valley"],
    },
    "cooking": {
        "who": ["the chef", "my grandmother", "the baker", "the line cook", "the home cook",
                "the pastry chef", "the waiter", "the food blogger"],
        "thing": ["the recipe", "the garlic", "the risotto", "the sourdough", "the broth",
                  "the marinade", "the onions", "the dough", "the tomato sauce", "the pastry",
                  "the spices", "the roast chicken", "the soup"],
        "act": ["simmered", "seasoned", "chopped", "tasted", "baked", "stirred", "roasted",
                "whisked", "burned", "marinated", "plated"],
        "tag": ["with fresh basil", "in a cast iron skillet", "with a pinch of salt",
                "until golden brown", "over low flame", "with melted butter"],
    },
    "technology": {
        "who": ["the developer", "the engineer", "the startup", "the support team",
                "the admin", "the hackers", "the chip maker", "the product manager"],
        "thing": ["the software update", "the laptop", "the database", "the smartphone",
                  "the firmware", "the router", "the app", "the processor", "the password",
                  "the source code", "the graphics card", "the operating system", "the wifi"],
        "act": ["installed", "debugged", "rebooted", "patched", "upgraded", "downloaded",
                "encrypted", "benchmarked", "deployed", "uninstalled", "configured"],
        "tag": ["after the reboot", "on the new version", "with a faster chip", "over wifi",
                "without a backup", "in the beta release"],
    },
}

# Words at home in two or more topics (a server in tennis, a restaurant and a data centre; a
# front in weather and in sports), each listed under every topic it may appear in.
_AMBIGUOUS = {
    "sports": ["the server", "the record", "the pitch", "the fans", "the heat", "the drive",
               "the net", "the crash", "the bowl", "the batter", "the pressure", "the season",
               "the front", "the screen", "the chip", "the stream"],
    "weather": ["the record", "the heat", "the front", "the pressure", "the season",
                "the cloud", "the stream", "the fans", "the drive", "the crash", "the current"],
    "cooking": ["the server", "the heat", "the bowl", "the batter", "the pressure", "the chip",
                "the season", "the pan", "the mix", "the fans", "the record", "the current"],
    "technology": ["the server", "the record", "the pitch", "the cloud", "the drive",
                   "the net", "the crash", "the stream", "the screen", "the chip", "the pan",
                   "the fans", "the current", "the mix"],
}

# Filler shared by all topics.
_WHEN = ["today", "yesterday", "last night", "this morning", "on Sunday", "all week",
         "again", "early on", "late in the evening", "for the first time", "once more",
         "on Friday afternoon", "this weekend"]
_PEOPLE = ["everyone", "my neighbour", "a friend of mine", "the whole town", "most people",
           "my sister", "our group", "nobody", "the reporter", "my uncle", "a colleague"]
_ADVERB = ["really", "honestly", "quietly", "clearly", "suddenly", "finally", "nearly",
           "probably", "surprisingly", "barely"]
_OPINION = ["was impressive", "felt strange", "was a mess", "looked great",
            "was better than expected", "took ages", "was the talk of the town", "went badly",
            "was worth it", "made the news", "caused a long delay", "changed everything"]
_GENERIC_ACT = ["talked about", "complained about", "read about", "noticed", "could not ignore",
                "kept thinking about", "asked about", "posted about", "laughed about"]

# {who}, {thing}, {act}, {tag} come from the topic (or, for {thing}, its ambiguous words);
# {amb} is always ambiguous; the rest is shared filler. Commas and quotes exercise CSV quoting.
_TEMPLATES = [
    "{who} {act} {thing} {when}",
    "{who} {adverb} {act} {thing} {tag}",
    "{when}, {who} {act} {thing} and {amb}",
    "{people} {generic} {thing} {when}",
    "{people} said {thing} {opinion}",
    "{thing} {opinion}, and {people} {generic} {amb}",
    "{adverb}, {thing} {opinion} {when}",
    "{who} said \"{thing} {opinion}\" {when}",
    "{people} {generic} {amb} and {thing} {tag}",
    "{when} {who} {act} {amb} {tag}",
    "{amb} {opinion} while {who} {act} {thing}",
    "I think {thing} {opinion}, said {people}",
    "{people} {generic} {amb} {when}, then {amb2} {opinion} {tag}",
]

_MIN_WORDS, _MAX_WORDS = 6, 20
_OWN_THING_PROBABILITY = 0.85


def _sentence(topic: str, rng: random.Random) -> str:
    vocab = _VOCAB[topic]
    ambiguous = _AMBIGUOUS[topic]
    amb, amb2 = rng.sample(ambiguous, 2)
    fields = {
        "who": rng.choice(vocab["who"]),
        "act": rng.choice(vocab["act"]),
        "tag": rng.choice(vocab["tag"]),
        "thing": (rng.choice(vocab["thing"]) if rng.random() < _OWN_THING_PROBABILITY
                  else rng.choice(ambiguous)),
        "amb": amb,
        "amb2": amb2,
        "when": rng.choice(_WHEN),
        "people": rng.choice(_PEOPLE),
        "adverb": rng.choice(_ADVERB),
        "opinion": rng.choice(_OPINION),
        "generic": rng.choice(_GENERIC_ACT),
    }
    text = rng.choice(_TEMPLATES).format(**fields)
    return text[0].upper() + text[1:] + "."


def topic_rows(seed: int = SEED) -> list[tuple[str, str]]:
    """``(text, label)`` rows, topics interleaved, every text unique and 6-20 words long."""
    rng = random.Random(seed + 1)
    seen: set[str] = set()
    per_topic: dict[str, list[str]] = {topic: [] for topic in TOPIC_CLASSES}
    for topic in TOPIC_CLASSES:
        while len(per_topic[topic]) < ROWS_PER_TOPIC:
            text = _sentence(topic, rng)
            if text.lower() in seen or not _MIN_WORDS <= len(text.split()) <= _MAX_WORDS:
                continue
            seen.add(text.lower())
            per_topic[topic].append(text)
    rows = [(text, topic) for topic in TOPIC_CLASSES for text in per_topic[topic]]
    rng.shuffle(rows)
    return rows


def write_topics(out_dir: Path, seed: int = SEED) -> dict[str, int]:
    """Write ``topics.csv`` under ``out_dir``; returns rows per label."""
    rows = topic_rows(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "topics.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return {topic: sum(label == topic for _, label in rows) for topic in TOPIC_CLASSES}


# --------------------------------------------------------------------------------------------


def generate(out_dir: Path | str) -> dict[str, dict[str, int]]:
    """Write both datasets under ``out_dir``; returns the class counts of each."""
    out_dir = Path(out_dir)
    return {"shapes": write_shapes(out_dir), "topics": write_topics(out_dir)}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print("\n\n".join(__doc__.split("\n\n")[3:5]), file=sys.stderr)
        return 2
    out_dir = Path(args[0]) if args else Path(__file__).resolve().parent
    counts = generate(out_dir)
    for name, per_class in counts.items():
        print(f"{name}: {sum(per_class.values())} samples, {per_class}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
