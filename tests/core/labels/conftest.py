"""A fresh dataset memo per test (the planted datasets are derived from loaded ones)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.core.datasets import clear_dataset_cache


@pytest.fixture(autouse=True)
def _fresh_dataset_cache() -> Iterator[None]:
    clear_dataset_cache()
    yield
    clear_dataset_cache()
