"""Predictor: rebuilds a run's model from its folder and predicts like training saw it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from factories import class_keywords
from PIL import Image

from app.core.catalog import Catalog
from app.core.errors import CatalogError, CheckpointError, ConfigError, DatasetError
from app.core.inference import ClassScore, Predictor, load_predictor
from tests.core.inference.inference_runs import IMAGE_CLASSES, TEXT_CLASSES

Trained = tuple[Catalog, int, int, Path]


def _check_ranked(scores: tuple[ClassScore, ...], k: int, classes: tuple[str, ...]) -> None:
    assert len(scores) == k
    probabilities = [score.probability for score in scores]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert sum(probabilities) <= 1.0 + 1e-6
    assert len({score.class_name for score in scores}) == k
    assert {score.class_name for score in scores} <= set(classes)


def test_text_predictor_knows_its_run_and_classes(trained: Trained):
    catalog, text_run, _, _ = trained
    predictor = Predictor.from_run(catalog, text_run)
    assert predictor.kind == "text"
    assert predictor.class_names == TEXT_CLASSES
    assert predictor.run_id == text_run
    assert predictor.bundle.architecture == "bag_of_embeddings"
    assert predictor.bundle.run_uid == catalog.get_run_record(text_run).uid


def test_text_made_of_one_class_keywords_gets_that_class(trained: Trained):
    catalog, text_run, _, _ = trained
    predictor = Predictor.from_run(catalog, text_run)
    texts = [" ".join(class_keywords(name)[:5]) for name in TEXT_CLASSES]
    results = predictor.predict(texts, top_k=3)
    assert [scores[0].class_name for scores in results] == list(TEXT_CLASSES)
    for scores in results:
        _check_ranked(scores, 3, TEXT_CLASSES)
        assert sum(score.probability for score in scores) == pytest.approx(1.0, abs=1e-5)


def test_top_k_is_clipped_and_empty_text_still_predicts(trained: Trained):
    catalog, text_run, _, _ = trained
    predictor = Predictor.from_run(catalog, text_run)
    (one,), (all_of_them,) = predictor.predict([""], top_k=1), predictor.predict([""], top_k=9)
    _check_ranked(one, 1, TEXT_CLASSES)
    _check_ranked(all_of_them, 3, TEXT_CLASSES)
    assert all_of_them[0] == one[0]
    assert predictor.predict([]) == []
    with pytest.raises(ConfigError, match="sequence"):
        predictor.predict("a bare string")  # type: ignore[arg-type]


def test_image_predictor_takes_paths_and_pil_images_alike(trained: Trained):
    catalog, _, image_run, images = trained
    predictor = Predictor.from_run(catalog, image_run)
    assert predictor.kind == "image"
    assert predictor.class_names == IMAGE_CLASSES
    files = [images / name / "000.png" for name in IMAGE_CLASSES]
    pictures = []
    for file in files:
        with Image.open(file) as picture:
            pictures.append(picture.copy())

    by_path = predictor.predict(files, top_k=2)
    by_text_path = predictor.predict([str(file) for file in files], top_k=2)
    by_picture = predictor.predict(pictures, top_k=2)

    assert by_path == by_picture == by_text_path
    assert [scores[0].class_name for scores in by_path] == list(IMAGE_CLASSES)
    for scores in by_path:
        _check_ranked(scores, 2, IMAGE_CLASSES)


def test_an_unreadable_image_is_a_dataset_error_naming_it(trained: Trained, tmp_path: Path):
    catalog, _, image_run, _ = trained
    predictor = Predictor.from_run(catalog, image_run)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    with pytest.raises(DatasetError, match="broken.png"):
        predictor.predict([broken])
    with pytest.raises(DatasetError, match="missing.png"):
        predictor.predict([tmp_path / "missing.png"])


def _copy_run(catalog: Catalog, run_id: int, tmp_path: Path) -> tuple[Catalog, Path]:
    """A copy of the catalog file and run folders, so tests may break the files."""
    target = tmp_path / "copy.sqlite"
    with catalog._read() as db:
        db.execute("PRAGMA wal_checkpoint")
    shutil.copyfile(catalog.path, target)
    shutil.copytree(catalog.runs_root, tmp_path / "copy_runs")
    copied = Catalog(target)
    return copied, copied.run_dir(run_id)


def test_missing_or_garbage_weights_are_checkpoint_errors(trained: Trained, tmp_path: Path):
    catalog, text_run, _, _ = trained
    copied, folder = _copy_run(catalog, text_run, tmp_path)
    (folder / "model.safetensors").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(CheckpointError, match=f"run {text_run}: its trained model cannot be used"):
        Predictor.from_run(copied, text_run)
    (folder / "model.safetensors").unlink()
    with pytest.raises(CheckpointError, match=f"run {text_run} has no trained weights yet"):
        load_predictor(copied, text_run)
    with pytest.raises(CatalogError, match="no run 999"):
        Predictor.from_run(copied, 999)


def test_load_predictor_caches_until_the_weights_change(trained: Trained, tmp_path: Path):
    catalog, text_run, _, _ = trained
    copied, folder = _copy_run(catalog, text_run, tmp_path)
    first = load_predictor(copied, text_run)
    assert load_predictor(copied, text_run) is first
    weights = folder / "model.safetensors"
    stat = weights.stat()
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = load_predictor(copied, text_run)
    assert again is not first
    assert again.predict(["rain"]) == first.predict(["rain"])


def test_importing_inference_does_not_import_torch():
    code = ("import sys, app.core.inference, app.core.analysis\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'PySide6')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).resolve().parents[3])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
