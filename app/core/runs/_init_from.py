"""Fine-tuning from a catalog run: ``init_from`` naming a run id or a (unique) uid prefix.

The parent is resolved against the catalog the new run is written to, before that catalog
hears of the run, so every mistake (no such run, an ambiguous prefix, a run without weights,
another architecture or data kind) is a ``ConfigError`` naming ``init_from`` and the fix. The
child encodes its data with the parent's preprocessing (image size, channels and statistics,
or the vocabulary), so inputs look as the parent saw them; it starts from all of the parent's
weights when the class names are the same, else from all but the head (``spec.head``), which
stays freshly initialised even when the class count happens to match.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.catalog import Catalog, RunRecord
from app.core.datasets import ImagePreprocessing, Preprocessing, TextPreprocessing
from app.core.engine import load_weights
from app.core.errors import CatalogError, CheckpointError, ConfigError
from app.core.models import ModelBundle, RunFolder, has_model, read_bundle
from app.core.palette import ArchitectureSpec
from app.core.runs._find_run import find_run

if TYPE_CHECKING:
    from torch import nn

    from app.core.runs._plan import PlannedRun

NOT_A_RUN = ("pretrained", "scratch")
"""``init_from`` values that name no catalog run (the palette's packaged weights, or none)."""


@dataclass(frozen=True)
class ParentRun:
    """The catalog run a new run fine-tunes, with the model record it was saved with."""

    run_id: int
    uid: str
    name: str
    bundle: ModelBundle
    weights: Path
    same_classes: bool

    @property
    def preprocessing(self) -> Preprocessing:
        return self.bundle.preprocessing

    def describe(self) -> str:
        """For the run log: "run 3 (name), all weights" or "…, all but the head"."""
        part = "all weights" if self.same_classes else "all weights but the head (other classes)"
        return f"run {self.run_id} ({self.name}, uid {self.uid[:8]}): {part}"


def names_run(init_from: str | None) -> bool:
    """Whether ``init_from`` points at a catalog run rather than pretrained/scratch/nothing."""
    return bool(init_from) and str(init_from).lower() not in NOT_A_RUN


def resolve_parent(planned: PlannedRun, catalog: Catalog | str | Path | None, *,
                   where: str = "", run_id: int | None = None) -> ParentRun | None:
    """The parent ``planned.config.model.init_from`` names in ``catalog``, or ``None``.

    ``catalog`` may be a path (batch mode plans before it opens the catalog; the file is then
    read, never created). ``run_id``: the run being resumed, whose recorded parent is used,
    since a uid prefix that was unique when it started may no longer be.

    Raises:
        ConfigError: naming ``init_from`` (and ``model``, ``weights``, ``image_size`` or
            ``max_length`` where those are at fault), prefixed with ``where``.
    """
    init_from = planned.config.model.init_from
    if not names_run(init_from):
        return None
    assert init_from is not None
    try:
        return _resolve(planned, str(init_from).lower(), catalog, run_id)
    except ConfigError as error:
        raise error.prefixed(where) from None


def start_from_parent(model: nn.Module, parent: ParentRun, spec: ArchitectureSpec) -> int:
    """Copy the parent's weights into the freshly built ``model``; return the tensor count.

    Without the head when the classes differ. Every tensor taken must fit by name and shape
    (the same architecture with other shape-changing options does not), else ``ConfigError``.
    """
    import torch

    tensors, _ = load_weights(parent.weights)
    taken = tensors if parent.same_classes else {
        name: value for name, value in tensors.items() if not in_head(name, spec)}
    own = model.state_dict()
    misfits = [name for name, value in taken.items()
               if name not in own or tuple(own[name].shape) != tuple(value.shape)]
    uncovered = [name for name in own if name not in taken and not in_head(name, spec)]
    if misfits or uncovered:
        names = ", ".join((misfits or uncovered)[:3])
        raise ConfigError(
            f"init_from = {parent.uid[:8]}: the weights of run {parent.run_id} do not fit this "
            f"model ({names}); its model_options were {_options_text(parent.bundle)}: use the "
            "same shape-changing options (layers, widths) to fine-tune it",
            fields=("init_from", "model_options"))
    with torch.no_grad():
        model.load_state_dict(taken, strict=False)
    return len(taken)


def in_head(name: str, spec: ArchitectureSpec) -> bool:
    """Whether a parameter or buffer name lies under the spec's head prefixes."""
    return any(name == prefix or name.startswith(prefix + ".") for prefix in spec.head)


def _resolve(planned: PlannedRun, reference: str, catalog: Catalog | str | Path | None,
             run_id: int | None) -> ParentRun:
    config = planned.config
    if config.model.weights:
        raise ConfigError(
            f"init_from = {reference} and weights = {config.model.weights} both give starting "
            "weights; keep one of them", fields=("init_from", "weights"))
    opened = _open(catalog, reference)
    recorded = opened.get_run_record(run_id).parent_run_id if run_id is not None else None
    record = opened.get_run_record(recorded) if recorded is not None else _find(opened,
                                                                                 reference)
    bundle, weights = _model_of(record, reference)
    spec, dataset = planned.spec, planned.dataset
    if bundle.kind != dataset.kind:
        raise ConfigError(
            f"init_from = {reference}: run {record.id} ({record.name}) was trained on "
            f"{bundle.kind} data but {config.data.dataset} holds {dataset.kind} data; choose "
            f"a run trained on {dataset.kind} data", fields=("init_from",))
    if bundle.architecture != spec.name:
        raise ConfigError(
            f"init_from = {reference}: run {record.id} ({record.name}) is a "
            f"{bundle.architecture} model but this run's model is {spec.name}; set model = "
            f"\"{bundle.architecture}\" to fine-tune it, or choose a {spec.name} run",
            fields=("init_from", "model"))
    _check_sizes(config.data.image_size, config.data.max_length, bundle.preprocessing,
                 record.id)
    return ParentRun(run_id=record.id, uid=record.uid, name=record.name, bundle=bundle,
                     weights=weights, same_classes=bundle.class_names == dataset.class_names)


def _open(catalog: Catalog | str | Path | None, reference: str) -> Catalog:
    if isinstance(catalog, Catalog):
        return catalog
    if catalog is None:
        raise ConfigError(f"init_from = {reference} names a catalog run, but no catalog is "
                          "open to look it up in", fields=("init_from",))
    if not Path(catalog).is_file():
        raise ConfigError(f"init_from = {reference}: there is no catalog at {catalog} yet, so "
                          "it has no runs to fine-tune; check --catalog or $MODELDESK_CATALOG",
                          fields=("init_from",))
    try:
        return Catalog(catalog, read_only=True)
    except CatalogError as error:
        raise ConfigError(f"init_from = {reference}: {error}", fields=("init_from",)) from None


def _find(catalog: Catalog, reference: str) -> RunRecord:
    return find_run(catalog, reference, what=f"init_from = {reference}", fields=("init_from",))


def _model_of(record: RunRecord, reference: str) -> tuple[ModelBundle, Path]:
    folder = RunFolder(record.run_dir)
    if not has_model(folder.path):
        raise ConfigError(
            f"init_from = {reference}: run {record.id} ({record.name}, {record.status}) has no "
            f"usable weights ({folder.weights} is missing); choose a run that finished at "
            "least one epoch", fields=("init_from",))
    try:
        bundle = read_bundle(folder.path)
    except CheckpointError as error:
        raise ConfigError(f"init_from = {reference}: run {record.id}'s model cannot be read "
                          f"({error}); choose another run", fields=("init_from",)) from None
    return bundle, folder.path / bundle.weights_file


def _check_sizes(image_size: int | None, max_length: int | None, pre: Preprocessing,
                 parent_id: int) -> None:
    """An explicit size other than the parent's would be silently replaced: refuse it."""
    if isinstance(pre, ImagePreprocessing) and image_size not in (None, pre.image_size):
        raise ConfigError(
            f"image_size = {image_size}, but run {parent_id} (init_from) saw {pre.image_size}-"
            f"pixel images and a fine-tuned run keeps its inputs; leave image_size empty or "
            f"set {pre.image_size}", fields=("image_size", "init_from"))
    if isinstance(pre, TextPreprocessing) and max_length not in (None, pre.max_length):
        raise ConfigError(
            f"max_length = {max_length}, but run {parent_id} (init_from) cut texts at "
            f"{pre.max_length} tokens and a fine-tuned run keeps its vocabulary and length; "
            f"leave max_length empty or set {pre.max_length}",
            fields=("max_length", "init_from"))


def _options_text(bundle: ModelBundle) -> str:
    return ", ".join(f"{k} = {v!r}" for k, v in sorted(bundle.build_options.items())) or "none"
