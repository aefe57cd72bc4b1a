"""Bad starting-weights files: refused before the first catalog write, naming the file.

A ``.pt`` file is a pickle, and unpickling can run any code; ModelDesk loads it with
``weights_only=True``. The payload case proves that: the same file, unpickled the unsafe way,
creates a marker folder; loaded by ModelDesk it is refused and the marker never appears.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.bad_inputs.checks import CatalogSnapshot, CliRunner, assert_refused
from tests.batch.cli_helpers import write_toml

WHERE = "bad.toml, experiment 1 ('w')"


class _Payload:
    """Unpickles to ``os.mkdir(marker)``: harmless, and visible if it ever runs."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (os.mkdir, (str(self.marker),))


def _experiment(images: Path, weights: str) -> Path:
    return write_toml(images.parent / "bad.toml", f"""
[[experiment]]
name = "w"
dataset = "{images.name}"
model = "mlp"
image_size = 8
epochs = 1
weights = "{weights}"
""")


def _refuse(cli: CliRunner, images: Path, weights: str, catalog: Path,
            *fragments: str) -> str:
    before = CatalogSnapshot(catalog)
    result = cli("--batch", _experiment(images, weights), "--catalog", catalog)
    line = assert_refused(result, WHERE, *fragments)
    before.assert_unchanged()
    return line


def test_a_missing_weights_file(cli: CliRunner, images: Path, existing_catalog: Path) -> None:
    _refuse(cli, images, "nope.safetensors", existing_catalog,
            str(images.parent / "nope.safetensors"), "does not exist")


def test_a_corrupt_safetensors_file(cli: CliRunner, images: Path,
                                    existing_catalog: Path) -> None:
    (images.parent / "junk.safetensors").write_bytes(random.Random(5).randbytes(300))

    _refuse(cli, images, "junk.safetensors", existing_catalog,
            "cannot read weights file", "junk.safetensors")


def test_a_pickle_that_would_run_code_is_refused_without_running_it(
        cli: CliRunner, images: Path, existing_catalog: Path, tmp_path: Path) -> None:
    import torch

    marker = tmp_path / "the-payload-ran"
    weights = images.parent / "evil.pt"
    torch.save({"layers.0.weight": _Payload(marker)}, weights)
    proof = tmp_path / "unsafe-load-ran"
    torch.save({"x": _Payload(proof)}, tmp_path / "proof.pt")
    torch.load(tmp_path / "proof.pt", weights_only=False)  # the unsafe way: the code runs
    assert proof.is_dir()

    line = _refuse(cli, images, "evil.pt", existing_catalog,
                   "cannot read weights file", "evil.pt")

    assert "UnpicklingError" in line or "weights_only" in line.lower()
    assert not marker.exists(), "unpickling ran the payload"


def test_weights_of_another_model(cli: CliRunner, images: Path,
                                  existing_catalog: Path) -> None:
    import torch
    from safetensors.torch import save_file

    save_file({"embedding.weight": torch.zeros(50, 8), "head.weight": torch.zeros(2, 8)},
              images.parent / "text-model.safetensors")

    _refuse(cli, images, "text-model.safetensors", existing_catalog,
            "no tensor in weights file", "text-model.safetensors", "fits this model")


@pytest.mark.parametrize("payload", [[1, 2, 3], "just a string"])
def test_a_pt_file_without_named_tensors(payload: object, cli: CliRunner, images: Path,
                                         existing_catalog: Path) -> None:
    import torch

    torch.save(payload, images.parent / "odd.pt")

    _refuse(cli, images, "odd.pt", existing_catalog, "odd.pt", "not named tensors")

