"""Decoded images over the memory budget: a memory-mapped file, reused, never half-written.

Real image folders, real files in ``tmp_path``, real subprocesses (one killed mid-write through
``app.core.testpoints``); the in-memory path is the reference every mapped result must equal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from factories import write_image_folder

from app.core import testpoints
from app.core.datasets import (
    BUDGET_VARIABLE,
    DecodedCache,
    Rows,
    clear_image_cache,
    decode_count,
    decode_images,
    load_dataset,
    memory_budget,
    prepare_data,
    split_dataset,
)
from app.core.datasets._decoded_store import physical_memory
from app.core.errors import ConfigError

pytestmark = pytest.mark.usefixtures("fresh_image_cache")
REPO = Path(__file__).resolve().parents[3]
SIZE = 12



@pytest.fixture
def images(tmp_path: Path) -> Path:
    return write_image_folder(tmp_path / "colours", per_class=10, size=20)


def _in_memory(root: Path) -> torch.Tensor:
    decoded = decode_images(load_dataset(root), SIZE, 3)
    assert not decoded.mapped
    clear_image_cache()
    return decoded.tensor.clone()


def test_the_budget_comes_from_the_variable_or_a_share_of_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BUDGET_VARIABLE, raising=False)
    assert memory_budget() == int(physical_memory() * 0.25) > 0
    monkeypatch.setenv(BUDGET_VARIABLE, "1.5")
    assert memory_budget() == int(1.5 * 2**20)
    monkeypatch.setenv(BUDGET_VARIABLE, "lots")
    with pytest.raises(ConfigError, match=f"{BUDGET_VARIABLE} must be a number of megabytes"):
        memory_budget()
    monkeypatch.setenv(BUDGET_VARIABLE, "-3")
    with pytest.raises(ConfigError, match="'-3'"):
        memory_budget()
    assert DecodedCache(Path("x"), budget_bytes=7).budget() == 7  # the argument wins


def test_under_the_budget_images_stay_in_memory(images: Path, tmp_path: Path) -> None:
    decoded = decode_images(load_dataset(images), SIZE, 3, DecodedCache(tmp_path / "cache"))
    assert not decoded.mapped and not (tmp_path / "cache").exists()
    assert decoded.describe() == "decoded images are held in memory (12.7 KB)"


def test_over_the_budget_images_are_mapped_from_a_file_equal_to_memory(
        images: Path, tmp_path: Path) -> None:
    expected = _in_memory(images)
    before = decode_count()
    decoded = decode_images(load_dataset(images), SIZE, 3,
                            DecodedCache(tmp_path / "cache", budget_bytes=1000))
    assert decode_count() - before == 30
    assert decoded.mapped and decoded.file is not None
    assert decoded.file.parent == tmp_path / "cache" and decoded.file.suffix == ".npy"
    assert torch.equal(decoded.tensor, expected)
    assert list((tmp_path / "cache").iterdir()) == [decoded.file]  # no temporary left
    assert decoded.describe() == (f"decoded images (12.7 KB) exceed the memory budget "
                                  f"(1000 bytes), so they are memory-mapped from {decoded.file}")


def test_splits_of_a_mapped_file_read_rows_lazily_and_agree_with_memory(
        images: Path, tmp_path: Path) -> None:
    dataset = load_dataset(images)
    split = split_dataset(dataset, 0.2, 0.2, seed=3)
    reference = prepare_data(dataset, split, image_size=SIZE)
    clear_image_cache()
    mapped = prepare_data(dataset, split, image_size=SIZE,
                          decoded_cache=DecodedCache(tmp_path / "cache", budget_bytes=0))

    assert mapped.preprocessing == reference.preprocessing  # channel statistics bit-equal
    assert "memory-mapped" in mapped.storage and "in memory" in reference.storage
    for part, ref in zip((mapped.train, mapped.val, mapped.test),
                         (reference.train, reference.val, reference.test), strict=True):
        rows = part.inputs
        assert isinstance(rows, Rows) and isinstance(ref.inputs, torch.Tensor)
        assert rows.base.untyped_storage().nbytes() == 30 * 3 * SIZE * SIZE  # one shared base
        assert (rows.shape, rows.dtype, rows.device, rows.nbytes, len(rows)) == (
            ref.inputs.shape, ref.inputs.dtype, ref.inputs.device, ref.inputs.nbytes,
            len(ref.inputs))
        assert torch.equal(rows.to("cpu"), ref.inputs)
        index = torch.tensor([len(rows) - 1, 0, 1])
        assert torch.equal(rows.index_select(0, index), ref.inputs.index_select(0, index))
        assert torch.equal(rows[1:3], ref.inputs[1:3]) and torch.equal(rows[2], ref.inputs[2])
        assert [c.shape[0] for c in rows.split(2)] == [c.shape[0] for c in ref.inputs.split(2)]
        assert torch.equal(part.labels, ref.labels) and torch.equal(part.indices, ref.indices)
    with pytest.raises(ValueError, match="dimension 0"):
        mapped.train.inputs.index_select(1, torch.tensor([0]))


def test_a_later_process_maps_the_file_without_decoding(images: Path, tmp_path: Path) -> None:
    cache = DecodedCache(tmp_path / "cache", budget_bytes=0)
    first = decode_images(load_dataset(images), SIZE, 3, cache)
    clear_image_cache()
    before = decode_count()
    again = decode_images(load_dataset(images), SIZE, 3, cache)
    assert decode_count() == before and again.file == first.file
    assert torch.equal(again.tensor, first.tensor)

    other = _python(f"""
from pathlib import Path
from app.core.datasets import DecodedCache, decode_count, decode_images, load_dataset
d = decode_images(load_dataset(Path({str(images)!r})), {SIZE}, 3,
                  DecodedCache(Path({str(cache.folder)!r}), budget_bytes=0))
print(decode_count(), d.file, int(d.tensor.sum()))
""")
    assert other.stdout.split() == ["0", str(first.file), str(int(first.tensor.sum()))]


def test_a_process_killed_mid_write_leaves_nothing_a_later_run_trusts(
        images: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    code = f"""
from pathlib import Path
from app.core.datasets import DecodedCache, decode_images, load_dataset
decode_images(load_dataset(Path({str(images)!r})), {SIZE}, 3,
              DecodedCache(Path({str(folder)!r}), budget_bytes=0))
"""
    env = {**os.environ, testpoints.ENV_VAR: f"{testpoints.DECODED_CACHE_WRITE}:1"}
    child = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = child.stdout.readline() if child.stdout else ""
        assert line.startswith("TESTPOINT"), child.communicate()[1]
    finally:
        child.kill()
        child.communicate()
    (temporary,) = folder.iterdir()
    assert temporary.name.endswith(f".{child.pid}.tmp") and temporary.stat().st_size > 0

    expected = _in_memory(images)
    before = decode_count()
    decoded = decode_images(load_dataset(images), SIZE, 3, DecodedCache(folder, budget_bytes=0))
    assert decode_count() - before == 30  # decoded again, not taken from the temporary
    assert list(folder.iterdir()) == [decoded.file]  # and the temporary is gone
    assert torch.equal(decoded.tensor, expected)


def test_a_damaged_cache_file_is_replaced(images: Path, tmp_path: Path) -> None:
    cache = DecodedCache(tmp_path / "cache", budget_bytes=0)
    file = decode_images(load_dataset(images), SIZE, 3, cache).file
    assert file is not None
    clear_image_cache()
    file.write_bytes(file.read_bytes()[:-100])  # truncated (a disk filled up, say)
    before = decode_count()
    decoded = decode_images(load_dataset(images), SIZE, 3, cache)
    assert decode_count() - before == 30 and decoded.file == file
    assert np.load(file).shape == (30, 3, SIZE, SIZE)


def test_a_cache_folder_that_cannot_be_made_says_so(images: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(ConfigError, match="cannot create the decoded image cache folder"):
        decode_images(load_dataset(images), SIZE, 3, DecodedCache(blocker, budget_bytes=0))
    assert blocker.read_text() == "a file where the folder should be"


def _python(code: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, text=True,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done
