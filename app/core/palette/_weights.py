"""Transfer learning from weights files the user already has, and freezing all but the head.

Loading is lenient about the head (a file trained for 1000 ImageNet classes still gives a
10-class model its backbone) and strict about everything else: a file we cannot read, or
one that shares no tensor with the model, is an error the user must see, not a silent
no-op that trains from scratch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import CheckpointError, ConfigError

from ._spec import ArchitectureSpec

if TYPE_CHECKING:
    from torch import nn

_EXPECTED = (
    "expected a .safetensors file or a PyTorch state dict saved with torch.save "
    "(optionally inside a checkpoint under 'model' or 'state_dict')"
)
_NESTED_KEYS = ("model", "state_dict", "model_state_dict")


@dataclass(frozen=True)
class WeightsReport:
    """What ``load_local_weights`` did, by parameter/buffer name (sorted)."""

    loaded: tuple[str, ...]
    skipped_shape_mismatch: tuple[str, ...]
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]

    def format_text(self) -> str:
        """One line for the run log, e.g. "loaded 60 tensors; skipped 2 of another shape"."""
        text = f"loaded {len(self.loaded)} tensors"
        if self.skipped_shape_mismatch:
            names = ", ".join(self.skipped_shape_mismatch)
            text += f"; skipped {len(self.skipped_shape_mismatch)} of another shape ({names})"
        if self.missing:
            text += f"; {len(self.missing)} left at their initial values"
        if self.unexpected:
            text += f"; {len(self.unexpected)} in the file unused"
        return text


def load_local_weights(module: nn.Module, path: str | Path) -> WeightsReport:
    """Copy the tensors of a local weights file into ``module`` where names and shapes match.

    Reads ``.safetensors`` files with safetensors and anything else with
    ``torch.load(weights_only=True)`` (never unpickles code). A checkpoint dict holding the
    weights under "model" or "state_dict" works too, as do names prefixed "module."
    (saved from ``DataParallel``). Tensors whose shape differs, typically the head of a model
    with another number of classes, are skipped and reported.

    Raises:
        CheckpointError: the file is missing or unreadable, holds no mapping of names to
            tensors, or none of its tensors fits the model.
    """
    import torch

    path = Path(path)
    state = _read_state(path)
    own = module.state_dict()
    loadable: dict[str, Any] = {}
    skipped, unexpected = [], []
    for name, value in state.items():
        if name not in own:
            unexpected.append(name)
        elif tuple(value.shape) != tuple(own[name].shape):
            skipped.append(name)
        else:
            loadable[name] = value
    if not loadable:
        sample = ", ".join(repr(k) for k in list(own)[:3])
        found = ", ".join(repr(k) for k in list(state)[:3])
        raise CheckpointError(
            f"no tensor in weights file '{path}' fits this model (it expects names like "
            f"{sample} with matching shapes; the file has {found}"
            f"{', …' if len(state) > 3 else ''})"
        )
    with torch.no_grad():
        module.load_state_dict(loadable, strict=False)
    missing = [name for name in own if name not in state]
    return WeightsReport(
        loaded=tuple(sorted(loadable)),
        skipped_shape_mismatch=tuple(sorted(skipped)),
        missing=tuple(sorted(missing)),
        unexpected=tuple(sorted(unexpected)),
    )


def freeze_backbone(module: nn.Module, spec: ArchitectureSpec) -> int:
    """Make only the head (``spec.head`` prefixes) trainable; return the trainable count.

    Prefixes match whole dotted components: "fc" covers "fc.weight" but not "fc1.weight".
    Frozen BatchNorm layers still update their running statistics in train mode; that is the
    usual fine-tuning behaviour and helps when the new images differ from the old ones.
    """
    trainable = 0
    for name, param in module.named_parameters():
        in_head = any(name == p or name.startswith(p + ".") for p in spec.head)
        param.requires_grad_(in_head)
        if in_head:
            trainable += param.numel()
    if trainable == 0:
        raise ConfigError(
            f"model {spec.name!r}: no parameters under its head {', '.join(spec.head)}; "
            "was this module built from another spec?"
        )
    return trainable


def _read_state(path: Path) -> dict[str, Any]:
    """The file's name → tensor mapping, unwrapped from checkpoints and DataParallel."""
    import torch

    if not path.is_file():
        raise CheckpointError(f"weights file '{path}' does not exist; {_EXPECTED}")
    try:
        if path.suffix.lower() == ".safetensors":
            from safetensors.torch import load_file

            raw: Any = load_file(str(path), device="cpu")
        else:
            raw = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - every reader failure means "unreadable file"
        reason = (str(error).strip().splitlines() or [""])[0][:200]
        raise CheckpointError(
            f"cannot read weights file '{path}' ({type(error).__name__}: {reason}); {_EXPECTED}"
        ) from error
    if isinstance(raw, Mapping):
        for key in _NESTED_KEYS:
            if isinstance(raw.get(key), Mapping):
                raw = raw[key]
                break
    if not isinstance(raw, Mapping):
        raise CheckpointError(
            f"weights file '{path}' holds a {type(raw).__name__}, not named tensors; {_EXPECTED}"
        )
    state = {
        str(k): v for k, v in raw.items() if isinstance(k, str) and isinstance(v, torch.Tensor)
    }
    if not state:
        raise CheckpointError(f"weights file '{path}' holds no named tensors; {_EXPECTED}")
    if all(k.startswith("module.") for k in state):
        state = {k.removeprefix("module."): v for k, v in state.items()}
    return state


def apply_train_layers(module: nn.Module, spec: ArchitectureSpec, mode: str,
                       blocks: int = 2) -> int:
    """Choose what trains: ``"all"``, ``"head"`` or ``"last_blocks"`` (the head, the last
    ``blocks`` of ``spec.blocks`` and every layer after them); the trainable count.

    Raises:
        ConfigError: ``last_blocks`` for a model without a block sequence.
    """
    if mode == "head":
        return freeze_backbone(module, spec)
    params = list(module.named_parameters())
    if mode == "last_blocks":
        first = _first_trainable(module, spec, blocks)
        names = [name for name, _ in params]
        start = names.index(first)
        for index, (name, param) in enumerate(params):
            in_head = any(name == p or name.startswith(p + ".") for p in spec.head)
            param.requires_grad_(index >= start or in_head)
    else:
        for _, param in params:
            param.requires_grad_(True)
    return sum(p.numel() for _, p in params if p.requires_grad)


def _first_trainable(module: nn.Module, spec: ArchitectureSpec, blocks: int) -> str:
    """The first parameter name of the ``blocks``-th block from the end."""
    if spec.blocks is None:
        raise ConfigError(f"model {spec.name!r} has no sequence of blocks to train the last "
                          "of; set train_layers to \"head\" or \"all\"",
                          fields=("train_layers",))
    sequence = module.get_submodule(spec.blocks)
    count = len(sequence)
    chosen = sequence[max(count - blocks, 0)]
    first = next(iter(chosen.parameters()), None)
    for name, param in module.named_parameters():
        if param is first:
            return name
    raise ConfigError(f"model {spec.name!r}: block {count - blocks} has no parameters")
