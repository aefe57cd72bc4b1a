"""Content hashes and the dataset fingerprint.

Hashes depend only on content and label names, never on paths or mtimes, so a dataset copied
to another machine or folder keeps its fingerprint and the catalog can tell runs on "the same
data" apart from runs on data that merely sits at the same path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def hash_bytes(data: bytes) -> str:
    """sha256 hex digest of raw file bytes (images)."""
    return hashlib.sha256(data).hexdigest()


def hash_text(text: str) -> str:
    """sha256 hex digest of a text sample's UTF-8 encoding."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(pairs: Iterable[tuple[str, str]]) -> str:
    """sha256 over sorted ``(content hash, label name)`` pairs.

    Sorting makes the result independent of file order and paths; one relabelled sample
    changes it.
    """
    digest = hashlib.sha256()
    for content_hash, label in sorted(pairs):
        digest.update(content_hash.encode("ascii"))
        digest.update(b"\t")
        digest.update(label.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
