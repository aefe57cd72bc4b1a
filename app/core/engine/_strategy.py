"""The strategy seam: how many processes train one run, and what each of them sees.

The loop asks the strategy four things: set the model up on its device, which sample indices
this process trains on in an epoch, the sum of a few numbers over every process, and whether
this process is global rank zero (the one that writes files and the catalog). A multi-process
strategy (``_distributed.DistributedDataParallel`` under ``torchrun``) also makes every process
decide alike: rank zero's values are shared (``share``, ``on_zero``), a stop anywhere stops
everyone at the same step (``any_true``). The defaults here are what one process does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from app.core.engine._device import describe_device, resolve_device

if TYPE_CHECKING:
    import torch
    from torch import nn

T = TypeVar("T")


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

    def any_true(self, flag: bool) -> bool:
        """Whether ``flag`` is set on any process; every process must ask at the same point
        (a stop request reaching one rank stops them all at the same step)."""
        return flag

    def highest(self, value: int) -> int:
        """The largest of every process's ``value`` (which stop wins when several differ)."""
        return value

    def share(self, value: T) -> T:
        """Global rank zero's ``value`` on every process (a JSON-like or tensor object)."""
        return value

    def on_zero(self, work: Callable[[], T]) -> T:
        """Run ``work`` on global rank zero only and hand its result to every process; an
        error there is raised on every process (a ``ModelDeskError`` keeps its message), so no
        process is left waiting for the others."""
        return work()

    def label(self, device: torch.device) -> str:
        """The devices of this run for the catalog and the console."""
        return describe_device(device)

    def describe(self, requested: str) -> dict[str, Any] | None:
        """World size, backend and devices for the run's environment record; ``None`` for one
        process (whose record stays as it always was)."""
        return None

    def lost_peer(self, error: BaseException) -> bool:
        """Whether ``error`` means another process of the run is gone (killed, crashed)."""
        return False


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
