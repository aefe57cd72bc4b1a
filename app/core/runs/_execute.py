"""Running a planned run end to end, recorded in the catalog; and resuming one.

Batch and GUI both call ``execute``: it splits and prepares the data, builds the model,
creates (or reopens) the catalog run, trains with the caller's callbacks plus the catalog
recorder, and returns a summary. Training errors end as a ``failed`` run, never an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.catalog import Catalog
from app.core.datasets import prepare_data, split_dataset
from app.core.engine import Callback, RunConfig, RunControl, RunFiles, Trainer
from app.core.errors import CatalogError, ConfigError
from app.core.palette import freeze_backbone, load_local_weights
from app.core.runs._environment import environment
from app.core.runs._plan import PlannedRun, plan_run
from app.core.runs._recorder import CatalogRecorder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOutcome:
    run_id: int
    name: str
    status: str
    message: str
    model: str
    fingerprint: str
    best_metric_name: str
    best_metric: float | None
    best_epoch: int
    epochs_done: int
    test_accuracy: float | None
    test_macro_f1: float | None
    wall_seconds: float


def execute(planned: PlannedRun, catalog: Catalog, *, callbacks: tuple[Callback, ...] = (),
            control: RunControl | None = None, run_id: int | None = None,
            parent_run_id: int | None = None,
            on_created: Callable[[int], None] | None = None) -> RunOutcome:
    """Train ``planned`` into ``catalog``; ``run_id`` resumes that run from its checkpoint.

    ``on_created`` hears the catalog run id as soon as the run exists (before training).
    """
    config, dataset, spec = planned.config, planned.dataset, planned.spec
    split = split_dataset(dataset, config.val_fraction, config.test_fraction, config.seed)
    data = prepare_data(dataset, split, image_size=config.image_size or spec.input_size,
                        max_length=config.max_length or spec.input_size,
                        min_freq=config.min_freq, max_vocab=config.max_vocab)
    resuming = run_id is not None
    if not resuming:
        dataset_id = catalog.register_dataset(
            path=str(dataset.path), kind=dataset.kind, fingerprint=dataset.fingerprint,
            class_names=list(dataset.class_names),
            class_counts=dict(dataset.report.class_counts), num_samples=len(dataset.labels))
        run_id = catalog.create_run(
            name=planned.name, model=spec.name, dataset_id=dataset_id, config=config.to_dict(),
            seed=config.seed, total_epochs=config.epochs, environment=environment(),
            parent_run_id=parent_run_id)
    if on_created is not None:
        on_created(run_id)
    files = RunFiles(catalog.run_dir(run_id))
    files.save_preprocessing({**data.preprocessing, "class_names": list(dataset.class_names)})
    options = _build_options(planned, data)
    model = _build_model(planned, data, options)
    metadata = {"model": spec.name, "class_names": list(dataset.class_names),
                "in_channels": data.in_channels, "image_size": data.image_size,
                "vocab_size": data.vocab_size, "model_options": options,
                "dataset_fingerprint": dataset.fingerprint, "run_id": run_id}
    recorder = CatalogRecorder(catalog, run_id, files)
    trainer = Trainer(config, data, model, callbacks=(recorder, *callbacks), control=control,
                      files=files, weights_metadata=metadata)
    result = trainer.fit(resume=resuming)
    metrics = result.test_metrics or {}
    return RunOutcome(
        run_id=run_id, name=planned.name, status=result.status, message=result.message,
        model=spec.name, fingerprint=dataset.fingerprint,
        best_metric_name=result.best_metric_name, best_metric=result.best_metric,
        best_epoch=result.best_epoch, epochs_done=result.epochs_done,
        test_accuracy=metrics.get("accuracy"), test_macro_f1=metrics.get("macro_f1"),
        wall_seconds=result.wall_seconds)


def resume(catalog: Catalog, run_id: int, *, callbacks: tuple[Callback, ...] = (),
           control: RunControl | None = None) -> RunOutcome:
    """Continue a stopped, failed or killed run from its last checkpoint, same catalog run."""
    detail = catalog.get_run(run_id)
    if not catalog.resumable(run_id):
        raise CatalogError(
            f"run {run_id} is {detail.run.status}; only stopped, failed or interrupted runs "
            "can be resumed")
    config = RunConfig.from_mapping(detail.run.config, where=f"run {run_id}")
    planned = plan_run(config, where=f"run {run_id}")
    recorded = detail.dataset.fingerprint if detail.dataset else None
    if recorded and recorded != planned.dataset.fingerprint:
        raise ConfigError(
            f"run {run_id}: the dataset at {config.dataset} changed since the run started "
            f"(fingerprint {planned.dataset.fingerprint[:12]}, recorded {recorded[:12]}); "
            "start a new run instead")
    return execute(planned, catalog, callbacks=callbacks, control=control, run_id=run_id)


def _build_options(planned: PlannedRun, data: Any) -> dict[str, Any]:
    """The architecture options the model is built with (and recorded with its weights)."""
    options = dict(planned.model_options)
    if "max_length" in options and "max_length" not in planned.config.model_options:
        options["max_length"] = data.preprocessing["max_length"]  # position table fits the data
    return options


def _build_model(planned: PlannedRun, data: Any, options: dict[str, Any]) -> Any:
    import torch

    config = planned.config
    torch.manual_seed(config.seed)
    model = planned.spec.build(len(planned.dataset.class_names), in_channels=data.in_channels or 3,
                               image_size=data.image_size, vocab_size=data.vocab_size, **options)
    if config.weights:
        report = load_local_weights(model, config.weights)
        log.info("loaded weights from %s: %s", config.weights, report)
    if config.freeze_backbone:
        freeze_backbone(model, planned.spec)
    return model
