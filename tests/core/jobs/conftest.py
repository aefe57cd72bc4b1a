"""Fixtures for job tests: a tiny learnable table on disk, a catalog path, a config maker.

Jobs are what the window's queue and batch mode run; these fixtures give them real files and
a real SQLite catalog, and open a fresh ``Catalog`` per job the way the queue's worker does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from factories import write_text_table

from app.core.config import RunConfig
from app.core.runs import make_config

ConfigMaker = Callable[..., RunConfig]


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return write_text_table(tmp_path / "data" / "topics.csv", rows_per_class=10)


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    """Where the catalog goes; nothing is created until a job (or a test) opens it."""
    return tmp_path / "catalog" / "catalog.sqlite"


@pytest.fixture
def config(table: Path) -> ConfigMaker:
    """``config(epochs=3, ...)``: a tiny bag-of-embeddings run on ``table`` (CPU, one thread)."""

    def make(**overrides: Any) -> RunConfig:
        values: dict[str, Any] = {"dataset": str(table), "model": "bag_of_embeddings",
                                  "epochs": 2, "batch_size": 8, "log_every": 2, "threads": 1,
                                  "device": "cpu", **overrides}
        return make_config(values, where="test")

    return make
