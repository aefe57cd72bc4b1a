"""Fixtures for engine tests; the data helpers live in ``boring.py``."""

from __future__ import annotations

import pytest
from boring import make_boring_data

from app.core.datasets import PreparedData


@pytest.fixture
def boring_data() -> PreparedData:
    return make_boring_data()
