"""Training from memory-mapped decoded images is the same training, said to the user.

Real tiny trainings (``small_cnn`` on generated PNGs, CPU, same seed) into real catalogs: one
with the default budget (in memory), one with ``$MODELDESK_MEMORY_BUDGET_MB=0`` (a mapped
file in ``cache/`` beside the catalog). Weights, metrics and curves must be bit-identical.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from factories import write_image_folder
from safetensors.torch import load_file

from app.core.catalog import Catalog
from app.core.datasets import BUDGET_VARIABLE, clear_image_cache, decode_count
from app.core.engine import Callback, Notice
from app.core.models import RunFolder
from app.core.runs import PlannedRun, execute, make_config, plan_run

pytestmark = pytest.mark.usefixtures("fresh_image_cache")


class Notices(Callback):
    def __init__(self) -> None:
        self.seen: list[Notice] = []

    def on_notice(self, event: Notice) -> None:
        self.seen.append(event)



@pytest.fixture
def planned(tmp_path: Path) -> PlannedRun:
    root = write_image_folder(tmp_path / "colours", per_class=14, size=20)
    values = {"dataset": str(root), "model": "small_cnn", "name": "colours", "epochs": 2,
              "batch_size": 8, "log_every": 2, "threads": 1, "device": "cpu", "seed": 5}
    return plan_run(make_config(values, where="test"), where="test")


def _train(planned: PlannedRun, catalog: Catalog) -> tuple[int, list[Notice]]:
    notices = Notices()
    outcome = execute(planned, catalog, callbacks=(notices,))
    assert outcome.status == "completed", outcome.message
    return outcome.run_id, notices.seen


def test_a_mapped_training_equals_the_in_memory_one_bit_for_bit(
        planned: PlannedRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BUDGET_VARIABLE, raising=False)
    memory = Catalog(tmp_path / "memory" / "catalog.sqlite")
    memory_run, memory_notices = _train(planned, memory)
    clear_image_cache()  # the mapped run must decode into its file, not reuse the tensor
    monkeypatch.setenv(BUDGET_VARIABLE, "0")
    mapped = Catalog(tmp_path / "mapped" / "catalog.sqlite")
    mapped_run, mapped_notices = _train(planned, mapped)

    assert [(n.level, n.text) for n in memory_notices] == [
        ("info", "decoded images are held in memory (126.0 KB)")]
    (file,) = (tmp_path / "mapped" / "cache").iterdir()
    assert [(n.level, n.text) for n in mapped_notices] == [
        ("info", f"decoded images (126.0 KB) exceed the memory budget (0 bytes), so they are "
                 f"memory-mapped from {file}")]
    assert not (tmp_path / "memory" / "cache").exists()

    a = load_file(RunFolder(memory.run_dir(memory_run)).weights)
    b = load_file(RunFolder(mapped.run_dir(mapped_run)).weights)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    first, second = memory.get_run_record(memory_run), mapped.get_run_record(mapped_run)
    assert (first.test_accuracy, first.test_macro_f1, first.best_val_metric) == (
        second.test_accuracy, second.test_macro_f1, second.best_val_metric)
    curves_a, curves_b = (_curves(c, run) for c, run in ((memory, memory_run),
                                                           (mapped, mapped_run)))
    assert "val_loss" in curves_a and curves_a == curves_b


def _curves(catalog: Catalog, run_id: int) -> dict[str, list[tuple[int, float]]]:
    """Every logged curve as (step, value): the timestamps differ, nothing else may."""
    history = catalog.history([run_id])[run_id]
    return {key: [(p.step, p.value) for p in points] for key, points in history.items()
            if "second" not in key}


def test_a_second_run_maps_the_file_without_decoding(
        planned: PlannedRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BUDGET_VARIABLE, "0")
    catalog = Catalog(tmp_path / "catalog.sqlite")
    _, first = _train(planned, catalog)
    clear_image_cache()  # as a new process would start
    before = decode_count()
    _, second = _train(planned, catalog)
    assert decode_count() == before
    assert [n.text for n in second] == [n.text for n in first]
    assert "memory-mapped from " + str(tmp_path / "cache") in second[0].text
