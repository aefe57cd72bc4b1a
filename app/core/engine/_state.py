"""The loop's resumable state: epoch, step, best epoch and its weights, elapsed time.

``checkpoint`` gathers everything a resumed run needs to continue bit for bit (model,
optimiser, schedule, scaler, RNG, best tracker), plus the best epoch's weights when they are
not the current ones, so ``restore_best`` works after a resume too. ``restore`` is its inverse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.core.engine._best import BestTracker
from app.core.engine._frozen import check_fixed, digest, fixed_names, without
from app.core.errors import CheckpointError

if TYPE_CHECKING:
    import torch
    from torch import nn

    from app.core.engine._optim import Schedule


class TrainState:
    def __init__(self, best: BestTracker) -> None:
        self.best = best
        self.epoch = 0
        self.global_step = 0
        self.elapsed_before = 0.0  # wall seconds spent by earlier sessions of a resumed run
        self.paused_seconds = 0.0
        self._best_weights: dict[str, torch.Tensor] | None = None
        self.fixed: frozenset[str] = frozenset()  # state never changed by this run
        self.fixed_digest = ""

    def note_fixed(self, module: nn.Module) -> None:
        """Record which tensors training cannot change (left out of checkpoints)."""
        self.fixed = fixed_names(module)
        self.fixed_digest = digest(module, self.fixed) if self.fixed else ""

    @staticmethod
    def model_state(module: nn.Module) -> dict[str, torch.Tensor]:
        """A detached CPU copy of ``module``'s state dict."""
        return {name: value.detach().to("cpu", copy=True)
                for name, value in module.state_dict().items()}

    def keep_best(self, module: nn.Module) -> None:
        """Remember this epoch's weights as the best so far (in memory, on the CPU)."""
        self._best_weights = self.model_state(module)

    def load_best_into(self, module: nn.Module) -> None:
        """Put the best epoch's weights back into ``module`` (a no-op when it holds them)."""
        if self._best_weights is not None and self.best.epoch != self.epoch:
            # a best state read from a checkpoint lacks the fixed tensors the module holds
            module.load_state_dict(self._best_weights,
                                   strict=len(self._best_weights) == len(module.state_dict()))

    def checkpoint(self, module: nn.Module, optimizer: torch.optim.Optimizer,
                   schedule: Schedule, scaler: Any, device: torch.device,
                   elapsed_now: float) -> dict[str, Any]:
        import torch

        rng = {"torch": torch.get_rng_state()}
        if device.type == "cuda":
            rng["cuda"] = torch.cuda.get_rng_state(device)
        best_weights = None if self.best.epoch == self.epoch else self._best_weights
        if best_weights is not None:
            best_weights = without(best_weights, self.fixed)
        return {
            "epoch": self.epoch, "global_step": self.global_step,
            "model": without(module.state_dict(), self.fixed),
            "fixed": {"names": sorted(self.fixed), "sha256": self.fixed_digest},
            "optimizer": optimizer.state_dict(),
            "schedule": schedule.state_dict(), "scaler": scaler.state_dict(),
            "best": self.best.state_dict(), "best_model": best_weights, "rng": rng,
            "elapsed": self.elapsed_before + elapsed_now,
        }

    def restore(self, state: Mapping[str, Any], module: nn.Module,
                optimizer: torch.optim.Optimizer, schedule: Schedule, scaler: Any,
                device: torch.device) -> None:
        import torch

        fixed = state.get("fixed") or {}
        check_fixed(module, fixed)
        if fixed.get("names"):
            result = module.load_state_dict(state["model"], strict=False)
            if set(result.missing_keys) - set(fixed["names"]) or result.unexpected_keys:
                raise CheckpointError("the checkpoint does not fit the rebuilt model (it "
                                      f"lacks {len(result.missing_keys)} tensors); start a "
                                      "new run instead")
        else:
            module.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state.get("schedule") or {})
        if state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        self.best.load_state_dict(state.get("best") or {})
        rng = state.get("rng") or {}
        if "torch" in rng:
            torch.set_rng_state(rng["torch"])
        if "cuda" in rng and device.type == "cuda":
            torch.cuda.set_rng_state(rng["cuda"], device)
        self.epoch = int(state["epoch"])
        self.global_step = int(state["global_step"])
        self.elapsed_before = float(state.get("elapsed", 0.0))
        best_weights = state.get("best_model")
        if best_weights is not None:
            self._best_weights = dict(best_weights)
        elif self.best.epoch == self.epoch:
            self._best_weights = self.model_state(module)
