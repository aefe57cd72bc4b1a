"""Write the ``legacy_d2263c9`` assets: a schema-version-2 catalog with real trained runs.

Generated with the code at commit d2263c9, the last one writing run folders in the first
layout (weights metadata in the safetensors header plus ``preprocessing.json``), flat
unversioned run configs and catalog schema version 2. Tests load these bundles, resume the
stopped run, analyse the completed ones and upgrade the catalog, so what real users have keeps
working. Do not regenerate with newer code: it would write the newer formats.

The datasets are ``data/words.csv`` (a small text table) and ``data/tiles/`` (tiny PNGs). The
catalog stores their absolute paths under ``PLACEHOLDER``; tests copy everything to a temporary
folder and replace that prefix (``tests/legacy_assets.py``).

How it was made: ``git worktree add /tmp/legacy d2263c9``, copy this file into
``/tmp/legacy/tests/assets/legacy_d2263c9/`` and run it there with the project's venv.
"""

from __future__ import annotations

import io
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

PLACEHOLDER = Path("/tmp/modeldesk-legacy-d2263c9")

WORDS = {
    "cooking": ["bake", "oven", "flour", "stir", "pan", "salt", "boil", "roast", "sugar"],
    "sports": ["goal", "match", "team", "score", "coach", "ball", "race", "win", "league"],
    "weather": ["rain", "cloud", "storm", "sunny", "wind", "snow", "cold", "fog", "forecast"],
}


def make_words(path: Path) -> None:
    rng = random.Random(7)
    lines = ["text,label"]
    for number in range(90):
        label = list(WORDS)[number % 3]
        words = rng.sample(WORDS[label], 4) + rng.sample(["the", "a", "today", "very"], 2)
        rng.shuffle(words)
        lines.append(f"{' '.join(words)},{label}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_tiles(folder: Path) -> None:
    from PIL import Image, ImageDraw

    rng = random.Random(3)
    for label in ("dot", "bar"):
        (folder / label).mkdir(parents=True)
        for number in range(14):
            image = Image.new("L", (16, 16), rng.randint(0, 40))
            draw = ImageDraw.Draw(image)
            x, y = rng.randint(2, 8), rng.randint(2, 8)
            if label == "dot":
                draw.ellipse((x, y, x + 6, y + 6), fill=rng.randint(200, 255))
            else:
                draw.rectangle((x, 1, x + 3, 14), fill=rng.randint(200, 255))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            (folder / label / f"{label}_{number:02d}.png").write_bytes(buffer.getvalue())


class _StopAfter:
    """Requests a stop at the end of ``epoch`` (the run ends ``stopped`` with a checkpoint)."""

    def __init__(self, control, epoch: int) -> None:
        self.control, self.epoch = control, epoch

    def __getattr__(self, name):
        return lambda *args, **kwargs: None

    def on_epoch_end(self, event) -> None:
        if event.epoch >= self.epoch:
            self.control.request_stop()


def main() -> None:
    from app.core.catalog import Catalog
    from app.core.engine import RunControl
    from app.core.runs import execute, make_config, plan_run

    shutil.rmtree(PLACEHOLDER, ignore_errors=True)
    (PLACEHOLDER / "data").mkdir(parents=True)
    make_words(PLACEHOLDER / "data" / "words.csv")
    make_tiles(PLACEHOLDER / "data" / "tiles")
    catalog = Catalog(PLACEHOLDER / "catalog.sqlite")
    assert catalog.schema_version() == 2, "run this with the code at d2263c9"
    words, tiles = str(PLACEHOLDER / "data" / "words.csv"), str(PLACEHOLDER / "data" / "tiles")
    common = {"threads": 1, "seed": 0}
    runs = [
        ({"name": "boe words", "dataset": words, "model": "bag_of_embeddings", "epochs": 4,
          "lr": 0.02, "model_options": {"embed_dim": 16}}, None),
        # max_length left to the data: the clash the old predictor had to guess around
        ({"name": "transformer words", "dataset": words, "model": "transformer", "epochs": 3,
          "max_length": 12, "model_options": {"d_model": 16, "num_heads": 2, "num_layers": 1,
                                              "ff_dim": 32}}, None),
        ({"name": "lenet tiles", "dataset": tiles, "model": "lenet5", "epochs": 3,
          "image_size": 16, "batch_size": 8}, None),
        ({"name": "boe stopped", "dataset": words, "model": "bag_of_embeddings", "epochs": 3,
          "lr": 0.02, "model_options": {"embed_dim": 16}}, 1),
    ]
    for values, stop_after in runs:
        config = make_config({**common, **values})
        control = RunControl()
        callbacks = (_StopAfter(control, stop_after),) if stop_after else ()
        outcome = execute(plan_run(config), catalog, callbacks=callbacks, control=control)
        print(outcome.run_id, outcome.name, outcome.status, outcome.test_accuracy)
    catalog.add_tag(1, "baseline")
    catalog.set_notes(1, "legacy run, ünïcode notes")
    catalog.close()
    target = HERE
    for name in ("catalog.sqlite", "catalog_runs", "data"):
        destination = target / name
        if destination.is_dir():
            shutil.rmtree(destination)
        elif destination.exists():
            destination.unlink()
        source = PLACEHOLDER / name
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            shutil.copy2(source, destination)
    print("written to", target)


if __name__ == "__main__":
    main()
