"""Optimiser and learning-rate schedule factories from the training settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

    from app.core.config import TrainingConfig


def build_optimizer(config: TrainingConfig, params: Any) -> torch.optim.Optimizer:
    import torch

    trainable = [p for p in params if p.requires_grad]
    if config.optimizer == "sgd":
        return torch.optim.SGD(trainable, lr=config.lr, momentum=config.momentum,
                               weight_decay=config.weight_decay)
    if config.optimizer == "adamw":
        return torch.optim.AdamW(trainable, lr=config.lr, weight_decay=config.weight_decay)
    return torch.optim.Adam(trainable, lr=config.lr, weight_decay=config.weight_decay)


class Schedule:
    """Wraps a torch scheduler with the one question the loop asks: step now?

    One-cycle steps per batch; the others per epoch (plateau with the monitored value).
    """

    def __init__(self, config: TrainingConfig, optimizer: torch.optim.Optimizer,
                 steps_per_epoch: int) -> None:
        import torch.optim.lr_scheduler as sched

        self.kind = config.scheduler
        if self.kind == "step":
            self.scheduler = sched.StepLR(optimizer, step_size=config.step_size,
                                          gamma=config.gamma)
        elif self.kind == "cosine":
            self.scheduler = sched.CosineAnnealingLR(optimizer, T_max=config.epochs)
        elif self.kind == "onecycle":
            self.scheduler = sched.OneCycleLR(optimizer, max_lr=config.lr, epochs=config.epochs,
                                              steps_per_epoch=steps_per_epoch)
        elif self.kind == "plateau":
            mode = "max" if config.monitor == "val_accuracy" else "min"
            self.scheduler = sched.ReduceLROnPlateau(optimizer, mode=mode, factor=config.gamma,
                                                     patience=config.step_size)
        else:
            self.scheduler = None

    def after_batch(self) -> None:
        if self.kind == "onecycle":
            self.scheduler.step()

    def after_epoch(self, monitored: float | None) -> None:
        if self.kind in ("step", "cosine"):
            self.scheduler.step()
        elif self.kind == "plateau" and monitored is not None:
            self.scheduler.step(monitored)

    def state_dict(self) -> dict[str, Any]:
        return self.scheduler.state_dict() if self.scheduler is not None else {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if self.scheduler is not None and state:
            self.scheduler.load_state_dict(state)
