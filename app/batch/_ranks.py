"""Batch mode under ``torchrun``: one process group per launch, rank zero the only voice.

Every process of a launch runs the same batch: it reads the file, plans the jobs and trains
its shard of each run. Only global rank zero opens the catalog for writing (then the others
open it read-only), prints progress and the summary, and writes files; the others print
nothing and send their warnings, prefixed with their rank, to stderr instead of the log file
(``app.logs``). Without torchrun's variables this is the single-device strategy and changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from app.core.catalog import Catalog
from app.core.engine import DistributedDataParallel, Strategy, from_environment
from app.core.errors import ConfigError
from app.core.jobs import SearchJob
from app.core.statuses import FAILED, INTERRUPTED

NOT_IN_STEP = (FAILED, INTERRUPTED)
"""How a run of several processes ends when they may no longer be in step: a failure on one
process or a lost one. The batch stops there (the next run's collectives could not match)."""


@contextmanager
def process_group() -> Iterator[Strategy]:
    """The launch's strategy, joined for the batch and left at its end."""
    strategy = from_environment()
    if not isinstance(strategy, DistributedDataParallel):
        yield strategy
        return
    strategy.start()
    try:
        yield strategy
    finally:
        strategy.close()


def voices(strategy: Strategy, out: TextIO, err: TextIO) -> tuple[TextIO, TextIO]:
    """``out`` and ``err`` on rank zero; a sink elsewhere (rank zero says it all once)."""
    if strategy.is_global_zero:
        return out, err
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the batch
    return sink, sink


def open_catalog(path: Path, strategy: Strategy,
                 prepare: Callable[[Catalog], None]) -> Catalog:
    """The catalog, opened (created, migrated, ``prepare``d: interrupted runs recovered) by
    rank zero first; the other processes then open it read-only."""
    opened: list[Catalog] = []

    def open_for_writing() -> None:
        catalog = Catalog(path)
        prepare(catalog)
        opened.append(catalog)

    strategy.on_zero(open_for_writing)
    return opened[0] if opened else Catalog(path, read_only=True)


def refuse_searches(jobs: Sequence[object], strategy: Strategy, file: Path) -> None:
    """A search's trials under torchrun would each need every process to agree on Optuna's
    suggestions; until that exists, say so before anything trains."""
    if strategy.world_size > 1 and any(isinstance(job, SearchJob) for job in jobs):
        raise ConfigError(f"{file}: searches ([experiment.search]) do not run under torchrun "
                          "yet; run this file without torchrun, or split the search out")

