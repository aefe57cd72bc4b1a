"""The part of a model a run never changes, left out of its checkpoints.

A frozen pretrained backbone is most of the model (MiniLM: 90 MB of 90 MB); writing it into
the checkpoint after every epoch cost seconds per epoch for bytes that never change. Resume
rebuilds the model exactly as the run started (seeded build, the same packaged or parent
weights), so the checkpoint keeps only what training can change and a digest of the rest: if
the rebuilt frozen tensors differ (another package version), resuming is refused instead of
continuing on a different backbone.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from app.core.errors import CheckpointError

if TYPE_CHECKING:
    from torch import nn


def fixed_names(module: nn.Module) -> frozenset[str]:
    """State-dict names that cannot change while ``module`` trains in its current modes:
    frozen parameters, and the buffers of submodules that stay in eval mode (frozen ones).

    Call it with the module in training mode, after freezing.
    """
    fixed = {name for name, p in module.named_parameters() if not p.requires_grad}
    for prefix, sub in module.named_modules():
        if not sub.training:
            for name, _ in sub.named_buffers(prefix=prefix, recurse=False):
                fixed.add(name)
    state = module.state_dict()
    fixed &= set(state)  # non-persistent buffers are not in the state dict
    if len(fixed) == len(state):
        return frozenset()  # nothing trains (a misconfiguration elsewhere): keep everything
    return frozenset(fixed)


def digest(module: nn.Module, names: frozenset[str]) -> str:
    """SHA-256 over the named tensors' names and bytes."""
    state = module.state_dict()
    hasher = hashlib.sha256()
    for name in sorted(names):
        hasher.update(name.encode())
        hasher.update(state[name].detach().cpu().contiguous().numpy().tobytes())
    return hasher.hexdigest()


def without(state: dict, names: frozenset[str]) -> dict:
    return {k: v for k, v in state.items() if k not in names} if names else state


def check_fixed(module: nn.Module, recorded: dict) -> None:
    """Raise if the rebuilt model's fixed tensors are not those the checkpoint was made on."""
    names = frozenset(recorded.get("names") or ())
    if names and digest(module, names) != recorded.get("sha256"):
        raise CheckpointError(
            "the frozen layers of the rebuilt model differ from those the run started with "
            "(was the pretrained package or the parent run changed?); start a new run instead")
