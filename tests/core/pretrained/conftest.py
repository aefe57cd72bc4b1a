"""Fixtures for pretrained-entry tests: tiny image folders and texts, a catalog, a planner.

EfficientNet-Lite0 is a default dependency and always present; MiniLM is the ``pretrained``
extra (installed by the README's test command), and its tests skip only where it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_image_folder, write_text_table

from app.core.catalog import Catalog


@pytest.fixture
def images(tmp_path: Path) -> Path:
    return write_image_folder(tmp_path / "photos", classes=("red", "blue"), per_class=10,
                              size=40)


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    return write_text_table(tmp_path / "texts.csv", rows_per_class=8,
                            classes=("sports", "weather"))


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return Catalog(tmp_path / "catalog" / "catalog.sqlite")

