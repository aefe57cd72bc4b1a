"""Fixtures for catalog tests: a fresh catalog file in ``tmp_path`` and a registered dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.catalog import Catalog

RunFactory = Callable[..., int]


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return Catalog(tmp_path / "catalog.sqlite")


@pytest.fixture
def dataset_id(catalog: Catalog, tmp_path: Path) -> int:
    return catalog.register_dataset(
        tmp_path / "digits", "image", "fp-digits", ["0", "1"], {"0": 5, "1": 7}, 12
    )


@pytest.fixture
def make_run(catalog: Catalog, dataset_id: int) -> RunFactory:
    """Create a run with sensible defaults; keyword arguments override them."""

    def make(**overrides: Any) -> int:
        values: dict[str, Any] = {
            "name": "run",
            "model": "mlp",
            "dataset_id": dataset_id,
            "config": {"epochs": 3, "optimizer": {"name": "adam", "lr": 0.001}},
            "seed": 0,
            "total_epochs": 3,
            "environment": {"python": "3.11", "torch": "2.14.1"},
        }
        values.update(overrides)
        return catalog.create_run(**values)

    return make
