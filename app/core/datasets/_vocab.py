"""A built-in word-level tokenizer and vocabulary; nothing is downloaded.

Runs must be reproducible offline and inference must tokenise exactly as training did, so
the vocabulary is deterministic (frequency, then token) and saved with each run as a dict.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1
_TOKEN = re.compile(r"[\w']+|[^\w\s]")


def tokenize(text: str) -> list[str]:
    """Lower-case word and punctuation tokens; ``\\w`` keeps non-English letters whole."""
    return _TOKEN.findall(text.lower())


class Vocabulary:
    """Token ↔ id mapping with ``<pad>`` = 0 and ``<unk>`` = 1. Immutable after building."""

    __slots__ = ("_ids", "_tokens")

    def __init__(self, tokens: Sequence[str]) -> None:
        if tuple(tokens[:2]) != (PAD, UNK):
            raise ValueError(f"a vocabulary must start with {PAD!r}, {UNK!r}")
        if len(set(tokens)) != len(tokens):
            raise ValueError("a vocabulary must not repeat tokens")
        self._tokens: tuple[str, ...] = tuple(tokens)
        self._ids = {token: i for i, token in enumerate(self._tokens)}

    @classmethod
    def build(cls, token_lists: Iterable[Iterable[str]], min_freq: int = 1,
              max_size: int = 20000) -> Vocabulary:
        """Keep tokens seen ``min_freq`` times or more, most frequent first, ties by token.

        ``max_size`` counts the two special tokens, so ``len(vocab) <= max_size``.
        """
        if min_freq < 1:
            raise ValueError(f"min_freq must be at least 1; got {min_freq}")
        if max_size < 2:
            raise ValueError(f"max_size must be at least 2; got {max_size}")
        counts = Counter(token for tokens in token_lists for token in tokens)
        counts.pop(PAD, None)
        counts.pop(UNK, None)
        kept = sorted((t for t, n in counts.items() if n >= min_freq),
                      key=lambda t: (-counts[t], t))
        return cls([PAD, UNK, *kept[: max_size - 2]])

    def __len__(self) -> int:
        return len(self._tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._ids

    @property
    def tokens(self) -> tuple[str, ...]:
        """Tokens in id order."""
        return self._tokens

    def id_of(self, token: str) -> int:
        """The token's id, or ``UNK_ID`` for tokens not in the vocabulary."""
        return self._ids.get(token, UNK_ID)

    def encode(self, text: str, max_length: int) -> list[int]:
        """Token ids of ``text``, truncated to ``max_length`` (not padded)."""
        return [self.id_of(token) for token in tokenize(text)[:max_length]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form saved with a run."""
        return {"tokens": list(self._tokens)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vocabulary:
        """Inverse of ``to_dict``."""
        return cls(list(data["tokens"]))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and other._tokens == self._tokens

    def __hash__(self) -> int:
        return hash(self._tokens)

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} tokens)"
