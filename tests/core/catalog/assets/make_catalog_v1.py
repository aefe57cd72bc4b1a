"""Write ``catalog_v1.sqlite`` (+ ``catalog_v1_runs/``): a schema-version-1 catalog kept as a
test asset, so upgrades from files real users have are tested (Optuna keeps old databases the
same way).

It was generated with the code at commit d986026 (the last one writing schema version 1):
``git worktree add /tmp/v1 d986026`` then, in ``/tmp/v1``,
``python tests/core/catalog/assets/make_catalog_v1.py``.
Running it with newer code writes a newer schema, so do not regenerate the committed file;
add a new asset (``catalog_v2.sqlite``, …) when a later schema needs one.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[3]))

from app.core.catalog import Catalog  # noqa: E402


def main() -> None:
    path = HERE / "catalog_v1.sqlite"
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(HERE / "catalog_v1_runs", ignore_errors=True)
    with Catalog(path) as catalog:
        assert catalog.schema_version() == 1, "run this with schema-version-1 code"
        texts = catalog.register_dataset("/data/topics.csv", "text", "fp-topics",
                                         ["cooking", "sports", "weather"],
                                         {"cooking": 30, "sports": 30, "weather": 30}, 90)
        images = catalog.register_dataset("/data/shapes", "image", "fp-shapes",
                                          ["circle", "square"], {"circle": 12, "square": 12}, 24)
        first = catalog.create_run(
            name="boe on topics", model="bag_of_embeddings", dataset_id=texts,
            config={"model": "bag_of_embeddings", "epochs": 3, "lr": 0.01, "seed": 0},
            seed=0, total_epochs=3, environment={"python": "3.12", "torch": "2.6"})
        catalog.mark_running(first, device="cpu", pid=1, hostname="asset-host")
        for epoch in (1, 2, 3):
            catalog.log_metrics(first, [("train_loss", epoch, epoch, 1.0 / epoch),
                                        ("val_accuracy", epoch, epoch, 0.5 + epoch / 10)])
            catalog.update_progress(first, epochs_done=epoch, best_val_metric_name="val_accuracy",
                                    best_val_metric=0.5 + epoch / 10, best_epoch=epoch,
                                    final_train_loss=1.0 / epoch, final_val_accuracy=0.8)
        folder = catalog.run_dir(first)
        (folder / "model.safetensors").write_bytes(b"w" * 300)
        (folder / "preprocessing.json").write_text('{"kind": "text"}', encoding="utf-8")
        catalog.add_artifact(first, "weights", folder / "model.safetensors", "safetensors")
        catalog.add_artifact(first, "preprocessing", folder / "preprocessing.json", "json")
        catalog.finish_run(first, status="completed", wall_seconds=4.5,
                           test_metrics={"accuracy": 0.8, "macro_f1": 0.79, "samples": 18})
        catalog.set_tags(first, ["baseline", "text"])
        catalog.set_notes(first, "first try, ünïcode notes")

        second = catalog.create_run(
            name="mlp on shapes", model="mlp", dataset_id=images,
            config={"model": "mlp", "epochs": 5, "lr": 0.001, "seed": 1},
            seed=1, total_epochs=5, environment={"python": "3.12"})
        catalog.mark_running(second, device="cpu", pid=1, hostname="asset-host")
        catalog.log_metrics(second, [("train_loss", 1, 1, 0.9), ("train_loss_step", 1, 1, 0.95)])
        catalog.update_progress(second, epochs_done=1)
        checkpoint = catalog.run_dir(second) / "checkpoint.pt"
        checkpoint.write_bytes(b"c" * 500)
        catalog.add_artifact(second, "checkpoint", checkpoint, "torch")
        catalog.set_status(second, "stopped", "stopped after epoch 1 of 5")
        catalog.add_tag(second, "images")

        catalog.create_run(
            name="fine-tune", model="bag_of_embeddings", dataset_id=texts,
            config={"model": "bag_of_embeddings", "epochs": 2}, seed=0, total_epochs=2,
            environment={}, parent_run_id=first)
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
