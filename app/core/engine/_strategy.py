"""The strategy seam: how many processes train one run, and what each of them sees.

The loop asks the strategy four things: set the model up on its device, which sample indices
this process trains on in an epoch, the sum of a few numbers over every process, and whether
this process is global rank zero (the one that writes files and the catalog). Only the
single-device strategy exists now; a ``torch.distributed`` one (DistributedDataParallel under
``torchrun``) answers the same questions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.engine._device import resolve_device

if TYPE_CHECKING:
    import torch
    from torch import nn


class Strategy:
    """Base of the strategies; every method is what one process does."""

    world_size = 1
    rank = 0

    @property
    def is_global_zero(self) -> bool:
        return self.rank == 0

    def device(self, requested: str) -> torch.device:
        """The device this process trains on, from the run's ``device`` setting."""
        raise NotImplementedError

    def setup(self, model: nn.Module, device: torch.device) -> nn.Module:
        """Move ``model`` to ``device``; return the module to call in training (a wrapper
        for data parallelism, or the model itself)."""
        raise NotImplementedError

    def epoch_indices(self, samples: int, epoch: int, seed: int,
                      device: torch.device) -> torch.Tensor:
        """The training-sample indices this process visits in ``epoch``, in order.

        Depends only on (seed, epoch, world size, rank), so a resumed run sees the batches the
        uninterrupted one would have.
        """
        raise NotImplementedError

    def local_samples(self, samples: int) -> int:
        """How many of ``samples`` training samples this process visits per epoch."""
        raise NotImplementedError

    def reduce_sum(self, values: torch.Tensor) -> torch.Tensor:
        """``values`` summed over every process (the same tensor on one process)."""
        raise NotImplementedError


class SingleDevice(Strategy):
    """One process, one device: the whole epoch, no communication."""

    def device(self, requested: str) -> torch.device:
        return resolve_device(requested)

    def setup(self, model: nn.Module, device: torch.device) -> nn.Module:
        return model.to(device)

    def epoch_indices(self, samples: int, epoch: int, seed: int,
                      device: torch.device) -> torch.Tensor:
        import torch

        generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
        return torch.randperm(samples, generator=generator).to(device)

    def local_samples(self, samples: int) -> int:
        return samples

    def reduce_sum(self, values: torch.Tensor) -> torch.Tensor:
        return values
