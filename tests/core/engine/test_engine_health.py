"""Honest outcomes: an exploding loss is a divergence, a run that learnt nothing is flagged."""

from __future__ import annotations

import pytest
import torch
from boring import make_config, make_model, make_trainer

from app.core.engine import (
    COMPLETED,
    DIVERGED,
    NOT_LEARNING,
    DivergenceWatcher,
    StepEnd,
    StopRun,
    majority_rate,
)
from app.core.engine._health import health


def step(loss: float, number: int) -> StepEnd:
    return StepEnd(epoch=1, step=number, steps_per_epoch=50, global_step=number, loss=loss,
                   lr=10.0, samples_per_second=1.0)


def test_a_loss_three_orders_above_its_start_is_a_divergence() -> None:
    watcher = DivergenceWatcher(lr=10.0, num_classes=10)
    watcher.on_step_end(step(2.3, 10))  # about ln(10): where a 10-class run starts
    watcher.on_step_end(step(900.0, 20))  # bad, but not yet three orders of magnitude
    with pytest.raises(StopRun) as caught:
        watcher.on_step_end(step(4.6e18, 30))
    assert caught.value.status == DIVERGED
    assert "exploded to 4.6e+18 at epoch 1, step 30, over 1000 times 2.3" in caught.value.message
    assert "lower learning rate (now 10)" in caught.value.message


def test_a_first_report_far_above_chance_has_exploded_already() -> None:
    """With few steps per epoch the first report is an average that may already hold 1e11."""
    with pytest.raises(StopRun, match="exploded to 3e\\+11 at epoch 1, step 30"):
        DivergenceWatcher(lr=10.0, num_classes=4).on_step_end(step(3e11, 30))
    DivergenceWatcher(lr=0.1, num_classes=4).on_step_end(step(5.0, 30))  # a poor start is fine


def test_a_run_that_starts_near_zero_is_judged_against_chance_not_its_start() -> None:
    """A resumed run may start at loss 0.001; rising to 1.5 is worse, not an explosion."""
    watcher = DivergenceWatcher(lr=0.1, num_classes=3)
    watcher.on_step_end(step(0.001, 1))
    watcher.on_step_end(step(1.5, 2))  # 1500x the start, but below 1000 x ln(3)
    with pytest.raises(StopRun):
        watcher.on_step_end(step(1.2e3, 3))


def test_the_trivial_baseline_and_the_verdict() -> None:
    labels = torch.tensor([0, 0, 0, 1, 2, 0, 1, 0, 2, 0])  # 60 % class 0
    assert majority_rate(labels) == pytest.approx(0.6)
    assert health(0.6, labels) == NOT_LEARNING
    assert health(0.7, labels) == NOT_LEARNING  # one sample above: noise on ten samples
    assert health(0.8, labels) is None
    assert health(None, labels) is None and health(0.1, labels[:0]) is None


def test_a_model_stuck_on_one_class_completes_flagged_not_learning(boring_data) -> None:
    model = make_model()
    with torch.no_grad():  # it answers class 0 whatever it reads, and a tiny rate keeps it so
        model.classifier.bias.copy_(torch.tensor([1e4, 0.0, 0.0]))
    result = make_trainer(make_config(epochs=2, lr=1e-9), boring_data, model).fit()
    assert result.status == COMPLETED and result.health == NOT_LEARNING
    share = float((boring_data.val.labels == 0).float().mean())
    assert result.best_metric is not None and share <= majority_rate(boring_data.val.labels)


def test_a_run_that_learns_is_not_flagged(boring_data) -> None:
    result = make_trainer(make_config(epochs=3), boring_data, make_model()).fit()
    assert result.status == COMPLETED and result.health is None
