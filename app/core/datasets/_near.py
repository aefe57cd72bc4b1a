"""Near duplicates: samples that are the same picture or message without being the same bytes.

Exact copies are grouped at load (``DuplicateGroup``) and the split keeps each group whole;
a photo saved once as PNG and once as JPEG, or a message that differs only in case and
punctuation, escapes that and can sit in train and in test. Groups here join *different*
contents only: a group needs two distinct content hashes, so an exact pair is never listed
again as a near one.

Images: two thumbnails (``_looks``, 16×16 grey) match when they differ by at most
``MAX_MEAN_DIFFERENCE`` grey levels on average and ``MAX_PIXEL_DIFFERENCE`` at any pixel.
Measured on the 30 hymenoptera photos re-encoded as JPEG q=70–80 and rescaled ×½, ×⅓, ×2:
at most 0.55 on average and 2 at any pixel. On MNIST's 10,000 test digits no two distinct
images come closer than 1.41 on average, and those pairs differ by 29 or more at some pixel
(thin strokes a pixel apart), so none are grouped. A pair search on 8×8 block means, whose
bound follows from those two limits, finds every candidate without comparing all 256
pixels of every pair; it is quadratic in the number of distinct images in blocks that keep
memory near 64 MB (MNIST's 10,000 take about a second).

Texts: NFKC, case-folded, punctuation and symbols removed, whitespace collapsed, so
"Free entry!!" and "free  entry" share a key; texts with nothing left are not grouped.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict, defaultdict
from dataclasses import dataclass

import numpy as np

from app.core.datasets._image_cache import content_key
from app.core.datasets._looks import THUMB_SIDE, thumbnails
from app.core.datasets._records import Dataset

MAX_MEAN_DIFFERENCE = 1.0
MAX_PIXEL_DIFFERENCE = 12
_BLOCK_FLOATS = 1 << 24  # one block of the pair search: 64 MB of float32 distances
_CACHE_SIZE = 8
_memo: OrderedDict[tuple, tuple[NearDuplicateGroup, ...]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class NearDuplicateGroup:
    """Samples (dataset indices, in order) whose contents differ but match once normalised."""

    indices: tuple[int, ...]
    sources: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def conflicting(self) -> bool:
        return len(set(self.labels)) > 1


def near_duplicates(dataset: Dataset) -> tuple[NearDuplicateGroup, ...]:
    """The dataset's near-duplicate groups, ordered by their first sample; memoised.

    Thread-safe; images are decoded (once per content) on first use, so call it off the
    GUI thread for image folders.
    """
    # Contents alone are not enough: renamed or relabelled files must not get old names.
    key = (dataset.kind, content_key(dataset), dataset.sample_ids, dataset.labels,
           dataset.class_names)
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    if dataset.kind == "image":
        contents, joined = _image_groups(dataset)
    else:
        contents, joined = _text_groups(dataset)
    groups = _expand(dataset, contents, joined)
    with _lock:
        _memo[key] = groups
        while len(_memo) > _CACHE_SIZE:
            _memo.popitem(last=False)
    return groups


def normalise_text(text: str) -> str:
    """The text as near-duplicate search compares it (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in folded)
    return re.sub(r"\s+", " ", kept).strip()


# ------------------------------------------------------------------------------ images
def _image_groups(dataset: Dataset) -> tuple[tuple[str, ...], list[list[int]]]:
    contents, thumbs, readable = thumbnails(dataset)
    rows = np.flatnonzero(readable)
    pairs = _matching_pairs(thumbs[rows])
    return contents, _components(len(contents), [(rows[a], rows[b]) for a, b in pairs])


def _matching_pairs(thumbs: np.ndarray) -> list[tuple[int, int]]:
    """Index pairs (i < j) of thumbnails within both limits."""
    count = len(thumbs)
    if count < 2:
        return []
    side = THUMB_SIDE // 2
    pooled = thumbs.reshape(count, side, 2, side, 2).astype(np.float32).mean(axis=(2, 4))
    pooled = pooled.reshape(count, -1)
    # A matching pair has sum(d²) ≤ max|d| · sum|d| ≤ 12 · 256 over the 256 pixels, and a
    # 2×2 mean's square is at most the mean of the squares: ≤ 768 over the 64 means.
    bound = MAX_PIXEL_DIFFERENCE * MAX_MEAN_DIFFERENCE * thumbs.shape[1] / 4 + 8.0
    norms = (pooled * pooled).sum(axis=1)
    step = max(1, _BLOCK_FLOATS // count)
    found: list[tuple[int, int]] = []
    for start in range(0, count, step):
        block = pooled[start:start + step]
        distances = norms[start:start + step, None] + norms[None, :] - 2.0 * block @ pooled.T
        rows, cols = np.nonzero(distances <= bound)
        rows = rows + start
        later = cols > rows
        found += _verified(thumbs, rows[later], cols[later])
    return found


def _verified(thumbs: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start in range(0, len(rows), 4096):
        a, b = rows[start:start + 4096], cols[start:start + 4096]
        difference = np.abs(thumbs[a].astype(np.int16) - thumbs[b].astype(np.int16))
        ok = ((difference.mean(axis=1) <= MAX_MEAN_DIFFERENCE)
              & (difference.max(axis=1) <= MAX_PIXEL_DIFFERENCE))
        kept += list(zip(a[ok].tolist(), b[ok].tolist(), strict=True))
    return kept


# ------------------------------------------------------------------------------- texts
def _text_groups(dataset: Dataset) -> tuple[tuple[str, ...], list[list[int]]]:
    first: dict[str, str] = {}
    for content_hash, text in zip(dataset.content_hashes, dataset.texts or (), strict=True):
        first.setdefault(content_hash, text)
    contents = tuple(first)
    by_key: dict[str, list[int]] = defaultdict(list)
    for position, text in enumerate(first.values()):
        normalised = normalise_text(text)
        if normalised:
            by_key[normalised].append(position)
    return contents, [members for members in by_key.values() if len(members) > 1]


# ------------------------------------------------------------------------------ shared
def _components(count: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Connected groups (two or more members) of ``count`` nodes joined by ``pairs``."""
    parent = list(range(count))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        parent[root(int(a))] = root(int(b))
    members: dict[int, list[int]] = defaultdict(list)
    for node in range(count):
        members[root(node)].append(node)
    return [group for group in members.values() if len(group) > 1]


def _expand(dataset: Dataset, contents: tuple[str, ...],
            joined: list[list[int]]) -> tuple[NearDuplicateGroup, ...]:
    """Groups of distinct contents → groups of every sample holding one of them."""
    group_of = {contents[position]: number for number, group in enumerate(joined)
                for position in group}
    samples: dict[int, list[int]] = defaultdict(list)
    for index, content_hash in enumerate(dataset.content_hashes):
        if content_hash in group_of:
            samples[group_of[content_hash]].append(index)
    names = dataset.class_names
    return tuple(
        NearDuplicateGroup(tuple(indices), tuple(dataset.sample_ids[i] for i in indices),
                           tuple(names[dataset.labels[i]] for i in indices))
        for indices in sorted(samples.values())
    )
