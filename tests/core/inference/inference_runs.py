"""Tiny real runs for inference and analysis tests: seconds each on one CPU thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.catalog import Catalog
from app.core.runs import execute, make_config, plan_run

TEXT_CLASSES = ("cooking", "sports", "weather")
IMAGE_CLASSES = ("blue", "green", "red")


def train(catalog: Catalog, dataset: Path, model: str, **overrides: Any) -> int:
    """Train ``model`` on ``dataset`` into ``catalog`` and return the completed run's id."""
    values: dict[str, Any] = {"dataset": str(dataset), "model": model, "epochs": 3,
                              "batch_size": 8, "threads": 1, "device": "cpu", "log_every": 50,
                              "seed": 0}
    values.update(overrides)
    outcome = execute(plan_run(make_config(values, where="test")), catalog)
    assert outcome.status == "completed", outcome.message
    return outcome.run_id
