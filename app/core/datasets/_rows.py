"""``Rows``: some rows of a (memory-mapped) tensor, read only when a batch asks for them.

An in-memory split copies its rows out of the decoded tensor (``inputs[index]``); a split of a
memory-mapped file must not, or the whole split would land in memory. ``Rows`` keeps the base
tensor and the row numbers and answers the few tensor operations the users of
``TensorSplit.inputs`` make (the trainer's ``index_select``, ``nbytes``, ``device`` and
``to``; ``predict``'s slices; ``channel_stats``' ``split``), each returning a real tensor of
just the rows asked for. Written here because a torch tensor subclass would have to answer
every operation, and a ``Dataset``/``DataLoader`` would change the loop that both paths share.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


class Rows:
    """Rows ``rows`` (int64, in this order) of ``base`` along dimension 0."""

    def __init__(self, base: torch.Tensor, rows: torch.Tensor) -> None:
        self.base = base
        self.rows = rows

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    def __repr__(self) -> str:
        return f"Rows({len(self)} of {tuple(self.base.shape)} {self.base.dtype})"

    @property
    def shape(self) -> torch.Size:
        import torch

        return torch.Size((len(self), *self.base.shape[1:]))

    @property
    def dtype(self) -> torch.dtype:
        return self.base.dtype

    @property
    def device(self) -> torch.device:
        return self.base.device

    @property
    def nbytes(self) -> int:
        """What the rows would take once read: ``len × row size``."""
        row = self.base[0].nbytes if self.base.shape[0] else 0
        return len(self) * row

    def index_select(self, dim: int, index: torch.Tensor) -> torch.Tensor:
        if dim != 0:
            raise ValueError("Rows selects along dimension 0 only")
        return self.base.index_select(0, self.rows.index_select(0, index.to(self.rows.device)))

    def __getitem__(self, key: int | slice | torch.Tensor) -> torch.Tensor:
        if isinstance(key, int):
            return self.base[int(self.rows[key])]
        return self.base.index_select(0, self.rows[key])

    def split(self, size: int) -> Iterator[torch.Tensor]:
        """Consecutive chunks of ``size`` rows, read one at a time."""
        for chunk in self.rows.split(size):
            yield self.base.index_select(0, chunk)

    def to(self, device: torch.device | str, non_blocking: bool = False) -> torch.Tensor:
        """All the rows as one tensor on ``device``, read chunk by chunk (no host copy of the
        whole split on the way to an accelerator); ``non_blocking`` is accepted and ignored."""
        import torch

        out = torch.empty(self.shape, dtype=self.dtype, device=device)
        start = 0
        for chunk in self.split(1024):
            out[start:start + len(chunk)].copy_(chunk)  # synchronous: the chunk is freed next
            start += len(chunk)
        return out
