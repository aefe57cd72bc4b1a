"""The synthetic catalog of ``catalog_scale.py``, the same for ModelDesk and for MLflow.

Pure Python with no ModelDesk import, so the MLflow half can run in another interpreter (its
own virtual environment) and still generate exactly the same runs from the same description:
``Shape(runs, params, keys, epochs, classes, seed)``. Every run is drawn from its own seeded
generator, so run *i* is the same whichever subset is built.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

MODELS = ("mlp", "small_cnn", "lenet5", "bag_of_embeddings", "transformer")
STATUSES = ("completed",) * 90 + ("stopped",) * 5 + ("failed",) * 3 + ("diverged",) * 2
TAGS = ("baseline", "augmented", "paper", "sweep-a", "sweep-b", "keep", "ablation")
OPTIMIZERS = ("adam", "sgd", "adamw")
START_S = 1_767_225_600  # 2026-01-01T00:00:00Z: run i is created i minutes later


@dataclass(frozen=True)
class Shape:
    runs: int = 10_000
    params: int = 10
    keys: tuple[str, ...] = ("train_loss", "val_loss", "val_accuracy", "lr")
    epochs: int = 100
    classes: int = 10
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Shape:
        return cls(**{**values, "keys": tuple(values["keys"])})


@dataclass(frozen=True)
class SyntheticRun:
    index: int
    name: str
    model: str
    status: str
    config: dict[str, Any]
    environment: dict[str, Any]
    tags: tuple[str, ...]
    notes: str
    created_s: float
    wall_seconds: float
    health: str | None
    series: dict[str, list[float]] = field(repr=False)
    test_metrics: dict[str, Any] | None = field(repr=False)

    @property
    def best_epoch(self) -> int:
        values = self.series["val_accuracy"]
        return max(range(len(values)), key=values.__getitem__) + 1


def generate(shape: Shape, start: int = 0, stop: int | None = None) -> Iterator[SyntheticRun]:
    for index in range(start, shape.runs if stop is None else stop):
        yield _run(shape, index)


def _run(shape: Shape, index: int) -> SyntheticRun:
    rng = random.Random(shape.seed * 1_000_003 + index)
    model = MODELS[index % len(MODELS)]
    lr = 10 ** rng.uniform(-4, -1)
    config: dict[str, Any] = {
        "lr": round(lr, 6), "batch_size": rng.choice((16, 32, 64, 128)),
        "epochs": shape.epochs, "optimizer": rng.choice(OPTIMIZERS),
        "weight_decay": rng.choice((0.0, 1e-4, 1e-3)), "momentum": 0.9,
        "dropout": round(rng.uniform(0, 0.5), 3), "seed": index,
        "label_smoothing": rng.choice((0.0, 0.1)), "model_options": {"hidden": rng.choice(
            (64, 128, 256))},
    }  # fmt: skip
    extra = [f"p{n}" for n in range(max(0, shape.params - len(config)))]
    config.update({name: rng.random() for name in extra})
    config = dict(list(config.items())[: shape.params])
    status = rng.choice(STATUSES)
    quality = rng.uniform(0.3, 0.98) * (1.0 if lr < 0.05 else 0.6)
    series = {key: [] for key in shape.keys}
    for epoch in range(1, shape.epochs + 1):
        progress = 1 - math.exp(-epoch / (shape.epochs / 5))
        values = {"train_loss": 2.3 * (1 - progress * quality) + rng.gauss(0, 0.02),
                  "val_loss": 2.3 * (1 - progress * quality * 0.95) + rng.gauss(0, 0.03),
                  "val_accuracy": min(1.0, 0.1 + progress * quality + rng.gauss(0, 0.01)),
                  "lr": lr * 0.5 * (1 + math.cos(math.pi * epoch / shape.epochs))}
        for key in shape.keys:
            series[key].append(values.get(key, rng.random()))
    tags = tuple(sorted(rng.sample(TAGS, rng.choice((0, 0, 1, 1, 2)))))
    return SyntheticRun(
        index=index, name=f"{model} lr={lr:.2g} #{index + 1}", model=model, status=status,
        config=config, environment=_environment(rng), tags=tags,
        notes="promising, rerun with more epochs" if rng.random() < 0.1 else "",
        created_s=START_S + 60.0 * index + rng.random(), wall_seconds=rng.uniform(30, 3600),
        health="not learning" if quality < 0.35 else None, series=series,
        test_metrics=_test_metrics(rng, shape.classes, quality) if status == "completed"
        else None)


def _environment(rng: random.Random) -> dict[str, Any]:
    return {"modeldesk": "0.1.0", "python": "3.11.7", "platform": "Linux-6.1-x86_64",
            "machine": "x86_64", "hostname": f"host{rng.randrange(4)}", "cpu_count": 16,
            "libraries": {"torch": "2.4.1", "torchvision": "0.19.1", "torchmetrics": "1.4.0",
                          "numpy": "2.1.0", "pillow": "10.4.0", "safetensors": "0.4.5",
                          "sqlite-utils": "3.37"}, "device": "cuda:0"}


def _test_metrics(rng: random.Random, classes: int, quality: float) -> dict[str, Any]:
    """About 150 JSON objects, as the engine writes them (per-class rows, a confusion matrix)."""
    names = [f"class_{n}" for n in range(classes)]
    per_class = [{"class": name, "precision": rng.random(), "recall": rng.random(),
                  "f1": rng.random(), "roc_auc": rng.random(), "support": rng.randrange(50, 150)}
                 for name in names]  # fmt: skip
    matrix = [[rng.randrange(0, 100 if r == c else 8) for c in range(classes)]
              for r in range(classes)]  # fmt: skip
    accuracy = min(1.0, quality + rng.gauss(0, 0.02))
    return {"accuracy": accuracy, "macro_f1": accuracy - rng.uniform(0, 0.05),
            "macro_precision": rng.random(), "macro_recall": rng.random(),
            "loss": rng.uniform(0.1, 2.0), "roc_auc_macro": rng.random(),
            "samples": sum(map(sum, matrix)), "classes": names, "per_class": per_class,
            "confusion_matrix": matrix}
