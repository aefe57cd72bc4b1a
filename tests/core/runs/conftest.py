"""Fixtures for run execution tests: a tiny learnable table, a fresh catalog, a planner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from factories import write_text_table
from runs_events import Planner

from app.core.catalog import Catalog
from app.core.runs import PlannedRun, make_config, plan_run


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return write_text_table(tmp_path / "data" / "topics.csv", rows_per_class=10)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return Catalog(tmp_path / "catalog" / "catalog.sqlite")


@pytest.fixture
def plan(table: Path) -> Planner:
    """``plan(epochs=3, ...)``: a planned bag-of-embeddings run on ``table``."""

    def make(**overrides: Any) -> PlannedRun:
        values: dict[str, Any] = {"dataset": str(table), "model": "bag_of_embeddings",
                                  "name": "tiny", "epochs": 2, "batch_size": 8,
                                  "log_every": 2, "threads": 1, "device": "cpu"}
        values.update(overrides)
        return plan_run(make_config(values, where="test"), where="test")

    return make
