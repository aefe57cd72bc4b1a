"""The data-parallel strategy's pieces that need no process group: who is launched by
torchrun, and which samples each rank trains on (the shards of the single-device order).

The collectives themselves are exercised by real torchrun launches in
``tests/batch/test_torchrun.py``.
"""

from __future__ import annotations

import pytest
import torch

from app.core.engine import (
    DistributedDataParallel,
    SingleDevice,
    from_environment,
    launched_by_torchrun,
)

CPU = torch.device("cpu")


def _rank(rank: int, world: int) -> DistributedDataParallel:
    return DistributedDataParallel({"RANK": str(rank), "WORLD_SIZE": str(world),
                                    "LOCAL_RANK": str(rank)})


@pytest.mark.parametrize(("samples", "world"), [(10, 2), (11, 2), (11, 3), (2, 4), (7, 1)])
def test_every_rank_gets_as_many_samples_and_together_they_cover_the_epoch(
        samples: int, world: int) -> None:
    ranks = [_rank(rank, world) for rank in range(world)]
    shards = [strategy.epoch_indices(samples, 3, 7, CPU).tolist() for strategy in ranks]
    single = SingleDevice().epoch_indices(samples, 3, 7, CPU).tolist()

    assert {len(shard) for shard in shards} == {ranks[0].local_samples(samples)}
    assert len(shards[0]) == -(-samples // world)
    interleaved = [shard[k] for k in range(len(shards[0])) for shard in shards]
    assert interleaved[:samples] == single  # rank r's k-th sample is the order's k*world + r
    assert interleaved[samples:] == (single * world)[:len(interleaved) - samples]  # padding


def test_the_shards_follow_the_seed_and_the_epoch() -> None:
    strategy = _rank(1, 2)
    first = strategy.epoch_indices(40, 1, 0, CPU).tolist()

    assert strategy.epoch_indices(40, 1, 0, CPU).tolist() == first
    assert strategy.epoch_indices(40, 2, 0, CPU).tolist() != first
    assert strategy.epoch_indices(40, 1, 1, CPU).tolist() != first


def test_only_a_torchrun_environment_makes_a_data_parallel_strategy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    launched = {"RANK": "1", "WORLD_SIZE": "2", "LOCAL_RANK": "1"}
    assert launched_by_torchrun(launched)
    assert not launched_by_torchrun({"RANK": "0"})
    for name in launched:
        monkeypatch.delenv(name, raising=False)
    assert isinstance(from_environment(), SingleDevice)
    for name, value in launched.items():
        monkeypatch.setenv(name, value)
    strategy = from_environment()
    assert isinstance(strategy, DistributedDataParallel)
    assert (strategy.rank, strategy.world_size, strategy.is_global_zero) == (1, 2, False)
