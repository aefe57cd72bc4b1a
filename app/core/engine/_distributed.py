"""Data parallelism under ``torchrun``: one process per device, gradients all-reduced.

``torchrun --nproc-per-node N main.py --batch FILE.toml`` starts N copies of batch mode with
``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` in their environment; ``from_environment`` turns
that into this strategy and a plain ``main.py`` into ``SingleDevice``, which is unchanged.

Every process trains its shard of the single-device strategy's seeded permutation (padded so
every rank takes the same number of steps, as ``DistributedSampler`` does), so a run is
reproducible for a given world size. PyTorch's ``DistributedDataParallel`` all-reduces the
gradients; NCCL carries CUDA tensors, gloo CPU tensors and the small Python objects rank zero
shares (a second, gloo group when the main one is NCCL). The process group has a timeout, and
a collective that fails because a peer vanished is recognised (``lost_peer``) so the run ends
``interrupted`` instead of ``failed``; torchrun then ends the other processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from app.core import errors
from app.core.engine._device import describe_device
from app.core.engine._strategy import SingleDevice, Strategy, T
from app.core.errors import ConfigError, ModelDeskError

if TYPE_CHECKING:
    import torch
    from torch import nn

TORCHRUN_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK")
TIMEOUT_VARIABLE = "MODELDESK_DIST_TIMEOUT"
"""Seconds a collective waits for the other processes; above the recorder's 10 minutes of
patience with a locked catalog, which rank zero may spend while the others wait."""
DEFAULT_TIMEOUT_SECONDS = 15 * 60
_LOST_PEER_TEXTS = ("Connection closed by peer", "Connection reset by peer", "Broken pipe",
                    "Timed out", "timed out", "NCCL communicator was aborted")


def launched_by_torchrun(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this process is one of a ``torchrun`` launch (its variables are all set)."""
    environ = os.environ if environ is None else environ
    return all(name in environ for name in TORCHRUN_VARIABLES)


def from_environment() -> Strategy:
    """``DistributedDataParallel`` under torchrun, else the single-device strategy."""
    return DistributedDataParallel() if launched_by_torchrun() else SingleDevice()


class DistributedDataParallel(Strategy):
    """One of ``WORLD_SIZE`` processes training one run; ``start`` before the first run,
    ``close`` after the last."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        environ = os.environ if environ is None else environ
        self.rank = int(environ["RANK"])
        self.world_size = int(environ["WORLD_SIZE"])
        self.local_rank = int(environ["LOCAL_RANK"])
        self.timeout = float(environ.get(TIMEOUT_VARIABLE, DEFAULT_TIMEOUT_SECONDS))
        self.broken = False
        """Set once a peer was lost: no collective can succeed any more."""
        self._cpu_group: Any = None

    # ------------------------------------------------------------------------ lifetime
    def start(self) -> None:
        """Join the process group: NCCL (plus gloo for CPU tensors) with GPUs, else gloo."""
        import torch
        import torch.distributed as dist

        timeout = timedelta(seconds=self.timeout)
        if torch.cuda.is_available() and self.local_rank < torch.cuda.device_count():
            torch.cuda.set_device(self.local_rank)
            dist.init_process_group("nccl", timeout=timeout)
            self._cpu_group = dist.new_group(backend="gloo", timeout=timeout)
        else:
            dist.init_process_group("gloo", timeout=timeout)

    def close(self) -> None:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()

    # ---------------------------------------------------------------------- the seam
    def device(self, requested: str) -> torch.device:
        """``cuda:LOCAL_RANK`` for ``auto``/``cuda*`` where GPUs are, else the CPU."""
        import torch

        name = (requested or "auto").lower()
        if name == "cpu":
            return torch.device("cpu")
        if name == "mps":
            raise ConfigError("device 'mps' cannot be shared between torchrun's processes; "
                              "use device = \"cpu\" or run without torchrun")
        if torch.cuda.is_available():
            count = torch.cuda.device_count()
            if self.local_rank >= count:
                raise ConfigError(f"torchrun started more processes on this machine than it "
                                  f"has GPUs ({count}); use --nproc-per-node {count} or less")
            return torch.device("cuda", self.local_rank)
        if name != "auto":
            raise ConfigError(f"device {name!r} was asked for but no CUDA GPU is usable here; "
                              "use device = \"auto\" or \"cpu\"")
        return torch.device("cpu")

    def setup(self, model: nn.Module, device: torch.device) -> nn.Module:
        """The model on ``device`` wrapped for gradient all-reduce (rank zero's parameters
        are broadcast to the others here, so every process starts alike)."""
        from torch.nn.parallel import DistributedDataParallel as Wrapper

        model = model.to(device)
        if not any(parameter.requires_grad for parameter in model.parameters()):
            return model
        ids = [device.index] if device.type == "cuda" else None
        return Wrapper(model, device_ids=ids, process_group=self._group(device))

    def epoch_indices(self, samples: int, epoch: int, seed: int,
                      device: torch.device) -> torch.Tensor:
        """Every ``world_size``-th index of the single-device permutation from ``rank``; the
        permutation is padded with its own start so every rank gets as many."""
        import torch

        order = SingleDevice().epoch_indices(samples, epoch, seed, torch.device("cpu"))
        total = self.local_samples(samples) * self.world_size
        if total > samples:
            order = order.repeat(-(-total // samples))[:total]
        return order[self.rank:total:self.world_size].to(device)

    def local_samples(self, samples: int) -> int:
        return -(-samples // self.world_size)

    def reduce_sum(self, values: torch.Tensor) -> torch.Tensor:
        import torch.distributed as dist

        total = values.clone()
        dist.all_reduce(total, op=dist.ReduceOp.SUM, group=self._group(values.device))
        return total

    def any_true(self, flag: bool) -> bool:
        return self.highest(int(flag)) > 0

    def highest(self, value: int) -> int:
        import torch
        import torch.distributed as dist

        tensor = torch.tensor([value], dtype=torch.int64)
        dist.all_reduce(tensor, op=dist.ReduceOp.MAX, group=self._cpu_group)
        return int(tensor.item())

    def share(self, value: T) -> T:
        import torch.distributed as dist

        box = [value if self.is_global_zero else None]
        dist.broadcast_object_list(box, src=0, group=self._cpu_group)
        return box[0]  # type: ignore[return-value]

    def on_zero(self, work: Callable[[], T]) -> T:
        if not self.is_global_zero:
            kind, payload = self.share(None)  # type: ignore[misc]
            if kind == "ok":
                return payload
            raise _rebuilt(*payload)
        try:
            result = work()
        except ModelDeskError as error:
            self.share(("error", (type(error).__name__, str(error))))
            raise
        except Exception as error:
            self.share(("error", ("", f"rank 0: {type(error).__name__}: {error}")))
            raise
        self.share(("ok", result))
        return result

    def label(self, device: torch.device) -> str:
        labels = self._gather(describe_device(device))
        backend = _backend(device)
        if len(set(labels)) == 1:
            return f"{self.world_size} × {labels[0]} ({backend})"
        return f"{', '.join(labels)} ({backend})"

    def describe(self, requested: str) -> dict[str, Any]:
        device = self.device(requested)
        return {"world_size": self.world_size, "backend": _backend(device),
                "devices": self._gather(describe_device(device)),
                "hosts": sorted(set(self._gather(_hostname())))}

    def lost_peer(self, error: BaseException) -> bool:
        import torch.distributed as dist

        lost = (isinstance(error, getattr(dist, "DistError", ()))
                or any(text in str(error) for text in _LOST_PEER_TEXTS))
        self.broken = self.broken or lost
        return lost

    # ------------------------------------------------------------------------ helpers
    def _group(self, device: torch.device) -> Any:
        """The group for tensors on ``device``: the default one, or gloo for CPU tensors
        when the default is NCCL."""
        return self._cpu_group if device.type == "cpu" else None

    def _gather(self, value: str) -> list[str]:
        import torch.distributed as dist

        gathered: list[Any] = [None] * self.world_size
        dist.all_gather_object(gathered, value, group=self._cpu_group)
        return [str(item) for item in gathered]


def _backend(device: torch.device) -> str:
    return "nccl" if device.type == "cuda" else "gloo"


def _hostname() -> str:
    import socket

    return socket.gethostname()


def _rebuilt(name: str, message: str) -> Exception:
    """Rank zero's error on another rank: the same user-facing type where it can be built
    from its message alone, else a plain ``ModelDeskError`` (or ``RuntimeError`` for a bug)."""
    if not name:
        return RuntimeError(message)
    kind = getattr(errors, name, ModelDeskError)
    try:
        return kind(message) if isinstance(kind, type) else ModelDeskError(message)
    except TypeError:
        return ModelDeskError(message)
