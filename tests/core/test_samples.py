"""The bundled sample datasets are present, well formed, and exactly what the script makes.

The byte-for-byte check is what keeps ``make_samples.py`` and the committed files in step: edit
one without rerunning the other and this fails.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest
from PIL import Image

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
SHAPE_CLASSES = {"circle", "square", "triangle", "star"}
IMAGES_PER_CLASS = 150


def _load_script():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed_files() -> list[Path]:
    files = sorted((SAMPLES / "shapes").rglob("*.png"))
    return [p.relative_to(SAMPLES) for p in files] + [Path("topics.csv")]


def test_shapes_have_expected_classes_and_counts() -> None:
    shapes = SAMPLES / "shapes"
    classes = {p.name for p in shapes.iterdir() if p.is_dir()}
    assert classes == SHAPE_CLASSES
    for name in classes:
        assert len(list((shapes / name).glob("*.png"))) == IMAGES_PER_CLASS, name


def test_every_image_is_a_32px_rgb_png() -> None:
    for path in sorted((SAMPLES / "shapes").rglob("*.png")):
        with Image.open(path) as image:
            image.load()
            assert image.format == "PNG", path
            assert image.size == (32, 32), path
            assert image.mode == "RGB", path


def test_topics_csv_parses_into_text_and_label() -> None:
    with open(SAMPLES / "topics.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        assert reader.fieldnames == ["text", "label"]
    texts = [row["text"] for row in rows]
    labels = {row["label"] for row in rows}
    assert len(texts) == len(set(texts)), "duplicate texts"
    assert len(labels) >= 3
    assert all(row["text"].strip() and row["label"] for row in rows)
    assert any("," in text for text in texts), "quoted commas should be exercised"
    assert all(6 <= len(text.split()) <= 20 for text in texts)


def test_regenerating_gives_byte_identical_files(tmp_path: Path) -> None:
    script = _load_script()
    script.generate(tmp_path)
    fresh = sorted((tmp_path / "shapes").rglob("*.png"))
    assert [p.relative_to(tmp_path) for p in fresh] + [Path("topics.csv")] == _committed_files()
    for relative in _committed_files():
        committed = (SAMPLES / relative).read_bytes()
        regenerated = (tmp_path / relative).read_bytes()
        if committed != regenerated:
            pytest.fail(
                f"{relative} differs from what make_samples.py writes; rerun "
                "`python resources/samples/make_samples.py` and commit its output"
            )
