"""Running a planned run end to end, recorded in the catalog; and resuming one.

Batch and GUI both reach ``execute`` through a job: it splits and prepares the data, builds
the model from its bundle (and any starting weights) before the catalog hears of the run, then
creates (or reopens) the catalog run and trains with the caller's callbacks plus the rank-zero
recorder and file writers. Training errors end as a ``failed`` run, never an exception.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.catalog import Catalog, thaw
from app.core.config import RunConfig
from app.core.datasets import (
    DecodedCache,
    PreparedData,
    Preprocessing,
    prepare_data,
    split_dataset,
)
from app.core.engine import (
    Callback,
    CallbackList,
    Notice,
    RunControl,
    RunFinished,
    SingleDevice,
    Strategy,
    Trainer,
    load_checkpoint,
    load_weights,
)
from app.core.errors import CatalogError, ConfigError
from app.core.models import ModelBundle, RunFolder, build_model, resolve_build_options
from app.core.palette import (
    apply_train_layers,
    load_local_weights,
    load_packaged_weights,
    packaged_preprocessing,
)
from app.core.runs._artifacts import run_writers
from app.core.runs._environment import environment
from app.core.runs._features import with_cached_features
from app.core.runs._init_from import ParentRun, resolve_parent, start_from_parent
from app.core.runs._patience import patiently
from app.core.runs._plan import PlannedRun, plan_run
from app.core.runs._starting_point import (
    PRETRAINED,
    augmentation_changes_inputs,
    init_source,
    train_layers,
)

if TYPE_CHECKING:
    from torch import nn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOutcome:
    """Which catalog run a job trained, and how it ended (``finished``)."""

    run_id: int
    uid: str
    name: str
    model: str
    fingerprint: str
    finished: RunFinished
    parent_run_id: int | None = None
    parent_uid: str | None = None
    reproduces_run_id: int | None = None

    @property
    def status(self) -> str:
        return self.finished.status

    @property
    def message(self) -> str:
        return self.finished.message

    @property
    def epochs_done(self) -> int:
        return self.finished.epochs_done

    @property
    def wall_seconds(self) -> float:
        return self.finished.wall_seconds

    @property
    def best_metric_name(self) -> str:
        return self.finished.best_metric_name

    @property
    def best_metric(self) -> float | None:
        return self.finished.best_metric

    @property
    def best_epoch(self) -> int:
        return self.finished.best_epoch

    @property
    def health(self) -> str | None:
        """``"not learning"`` for a completed run that learnt nothing, else ``None``."""
        return self.finished.health

    @property
    def test_accuracy(self) -> float | None:
        return (self.finished.test_metrics or {}).get("accuracy")

    @property
    def test_macro_f1(self) -> float | None:
        return (self.finished.test_metrics or {}).get("macro_f1")


def execute(planned: PlannedRun, catalog: Catalog, *, callbacks: Sequence[Callback] = (),
            control: RunControl | None = None, run_id: int | None = None,
            parent_run_id: int | None = None, study_id: int | None = None,
            trial_number: int | None = None, strategy: Strategy | None = None,
            on_created: Callable[[int], None] | None = None,
            reproduces_run_id: int | None = None, name: str | None = None) -> RunOutcome:
    """Train ``planned`` into ``catalog``; ``run_id`` resumes that run from its checkpoint.

    ``reproduces_run_id`` links a reproduction to the run it re-runs; ``name`` replaces the
    planned name in the catalog (the config keeps its own, so it stays the original's).

    Everything that can fail on bad input (data, options, starting weights) is checked before
    the catalog run is created. ``on_created`` hears the catalog run id as soon as it exists.

    With a multi-process ``strategy`` every process calls this with the same arguments; only
    global rank zero writes the catalog and the run's files, and hands the run id, uid and
    checkpoint to the others (``catalog`` may be read-only there).
    """
    config, dataset = planned.config, planned.dataset
    name = name or planned.name
    resuming = run_id is not None
    strategy = strategy or SingleDevice()
    uid = strategy.on_zero(
        lambda: catalog.get_run_record(run_id).uid if resuming else uuid.uuid4().hex)
    parent = resolve_parent(planned, catalog, run_id=run_id)  # init_from = a run (fine-tuning)
    parent_run_id = parent.run_id if parent is not None else parent_run_id
    if parent is not None and not resuming:  # store the uid: ids differ between catalogs
        config = config.replace(init_from=parent.uid)
    data, bundle, model = build_for(planned, uid, parent, decoded_cache=_decoded_cache(catalog))
    watchers = CallbackList(callbacks)

    def notify(text: str, level: str = "warning") -> None:
        watchers.on_notice(Notice(text, level))

    if not resuming:
        distributed = strategy.describe(config.runtime.device)  # every process takes part

        def create() -> int:
            dataset_id = patiently(lambda: catalog.register_dataset(
                path=str(dataset.path), kind=dataset.kind, fingerprint=dataset.fingerprint,
                class_names=list(dataset.class_names),
                class_counts=dict(dataset.report.class_counts),
                num_samples=len(dataset.labels), report=dataset.report.to_dict()),
                catalog.path, notify, what="the dataset")
            return patiently(lambda: catalog.create_run(
                name=name, model=planned.spec.name, dataset_id=dataset_id,
                config=config.to_dict(), seed=config.seed,
                total_epochs=config.training.epochs,
                environment=environment(distributed=distributed),
                parent_run_id=parent_run_id, uid=uid, study_id=study_id,
                trial_number=trial_number, reproduces_run_id=reproduces_run_id),
                catalog.path, notify, what="the new run")

        run_id = strategy.on_zero(create)
    assert run_id is not None
    if on_created is not None:
        on_created(run_id)
    if data.storage:
        notify(data.storage, "info")
    folder = RunFolder(catalog.run_dir(run_id))
    if resuming and strategy.is_global_zero:
        folder.remove_temporaries()  # half-written files of the process that was killed
    data = _head_only_data(planned, data, model, catalog, notify, strategy)
    writers = run_writers(catalog, run_id, folder, bundle, notify=notify)
    trainer = Trainer(config.training, config.runtime, data, model,
                      callbacks=(*writers, *callbacks), control=control, strategy=strategy)
    start = strategy.on_zero(lambda: _resume_state(folder)) if resuming else None
    result = trainer.fit(resume_from=start)
    finished = RunFinished(**{k: v for k, v in vars(result).items() if k != "test_predictions"})
    return RunOutcome(run_id=run_id, uid=uid, name=name, model=planned.spec.name,
                      fingerprint=dataset.fingerprint, finished=finished,
                      parent_run_id=parent_run_id, parent_uid=parent.uid if parent else None,
                      reproduces_run_id=reproduces_run_id)


def resume(catalog: Catalog, run_id: int, *, callbacks: Sequence[Callback] = (),
           control: RunControl | None = None,
           strategy: Strategy | None = None) -> RunOutcome:
    """Continue a stopped, failed or interrupted run from its last checkpoint, same run
    (with any ``strategy``: a run trained by two processes may go on with one, or four)."""
    strategy = strategy or SingleDevice()
    stored, recorded = strategy.on_zero(lambda: _resumable(catalog, run_id))
    where = f"run {run_id}"
    planned = plan_run(RunConfig.from_stored(stored, where=where), where=where)
    strategy.device(planned.config.runtime.device)  # a GPU run on a machine without one
    if recorded and recorded != planned.dataset.fingerprint:
        raise ConfigError(
            f"run {run_id}: the dataset at {planned.config.data.dataset} changed since the run "
            f"started (fingerprint {planned.dataset.fingerprint[:12]}, recorded "
            f"{recorded[:12]}); start a new run instead")
    return execute(planned, catalog, callbacks=callbacks, control=control, run_id=run_id,
                   strategy=strategy)


def _resumable(catalog: Catalog, run_id: int) -> tuple[dict[str, Any], str | None]:
    """The stored config and dataset fingerprint of a run that may be resumed."""
    detail = catalog.get_run(run_id)
    if not catalog.resumable(run_id):
        raise CatalogError(
            f"run {run_id} is {detail.run.status}; only stopped, failed or interrupted runs "
            "can be resumed")
    return (thaw(detail.run.config),  # plain, so it travels to the other processes
            detail.dataset.fingerprint if detail.dataset else None)


def _cache_folder(catalog: Catalog) -> Path:
    """``cache/`` beside the catalog file: decoded images over the memory budget and frozen
    backbones' features."""
    return catalog.path.parent / "cache"


def _decoded_cache(catalog: Catalog) -> DecodedCache:
    return DecodedCache(_cache_folder(catalog))


def build_for(planned: PlannedRun, uid: str | None = None, parent: ParentRun | None = None,
              *, decoded_cache: DecodedCache | None = None,
              ) -> tuple[PreparedData, ModelBundle, nn.Module]:
    """The run's tensors, its model's bundle and the freshly seeded model with starting
    weights loaded and the backbone frozen: everything that can fail on bad input.
    With a ``parent`` (fine-tuning), its preprocessing encodes the data and its weights
    start the model; ``decoded_cache`` holds images over the memory budget."""
    data = _prepare(planned, parent.preprocessing if parent is not None else None,
                    decoded_cache)
    bundle = ModelBundle(
        architecture=planned.spec.name, class_names=planned.dataset.class_names,
        build_options=_options(planned, data), preprocessing=data.preprocessing,
        dataset_fingerprint=planned.dataset.fingerprint, run_uid=uid)
    model = _build(planned, bundle)
    if parent is not None:  # fine-tuning a catalog run (_init_from.py)
        log.info("starting from %s", parent.describe())
        start_from_parent(model, parent, planned.spec)
    return data, bundle, model


def _prepare(planned: PlannedRun, preprocessing: Preprocessing | None = None,
             decoded_cache: DecodedCache | None = None) -> PreparedData:
    config, spec = planned.config, planned.spec
    data = config.data
    split = split_dataset(planned.dataset, data.val_fraction, data.test_fraction, config.seed)
    size, length = data.image_size or spec.input_size, data.max_length or spec.input_size
    if preprocessing is None:  # a parent run's encoding wins; else the packaged weights'
        preprocessing = packaged_preprocessing(spec, size, length)
    return prepare_data(planned.dataset, split, image_size=size, max_length=length,
                        min_freq=data.min_freq, max_vocab=data.max_vocab,
                        preprocessing=preprocessing, decoded_cache=decoded_cache)


def _options(planned: PlannedRun, data: PreparedData) -> dict[str, Any]:
    return resolve_build_options(planned.spec, planned.config.model.options, data.preprocessing)


def _build(planned: PlannedRun, bundle: ModelBundle) -> nn.Module:
    """The freshly seeded model, with starting weights loaded and the backbone frozen."""
    import torch

    settings, spec = planned.config.model, planned.spec
    torch.manual_seed(planned.config.seed)
    model = build_model(bundle)
    if init_source(planned.config, spec) == PRETRAINED:
        count = load_packaged_weights(model, spec)
        log.info("loaded %d pretrained tensors from %s", count, spec.pretrained.package)
    if settings.weights:
        report = load_local_weights(model, settings.weights)
        log.info("loaded weights from %s: %s", settings.weights, report.format_text())
    apply_train_layers(model, spec, train_layers(planned.config, spec),
                       settings.trainable_blocks)
    return model


def _head_only_data(planned: PlannedRun, data: PreparedData, model: nn.Module,
                    catalog: Catalog, notify: Callable[[str], None],
                    strategy: Strategy) -> PreparedData:
    """The cached backbone features when only the head trains and nothing changes the
    inputs between epochs (augmentation does); ``data`` unchanged otherwise."""
    config = planned.config
    if (train_layers(config, planned.spec) != "head" or not hasattr(model, "features")
            or augmentation_changes_inputs(config.training, data.kind)):
        return data
    device = strategy.device(config.runtime.device)  # this process's device
    outcome = with_cached_features(data, model, device, planned.dataset.fingerprint,
                                   _cache_folder(catalog))
    notify(outcome.describe())
    return outcome.data


def _resume_state(folder: RunFolder) -> dict[str, Any] | None:
    """The checkpoint to continue from; a first-layout checkpoint gets the best epoch's
    weights from the weights file (it did not carry them)."""
    if not folder.checkpoint.exists():
        return None
    state = load_checkpoint(folder.checkpoint)
    best_epoch = (state.get("best") or {}).get("epoch")
    if "best_model" not in state and best_epoch != state.get("epoch") and folder.weights.exists():
        state["best_model"] = load_weights(folder.weights)[0]
    return state
