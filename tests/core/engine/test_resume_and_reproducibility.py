"""Same seed, same run; and stop + resume gives exactly the uninterrupted result."""

from __future__ import annotations

import torch
from boring import make_config, make_model, make_trainer
from engine_recording import Recorder

from app.core.engine import (
    STOPPED,
    BestTracker,
    Checkpointing,
    EpochEnd,
    RunControl,
    load_checkpoint,
)
from app.core.engine._state import TrainState


def _train(data, folder, config, control=None, resume=False, callbacks=()):
    checkpoint = folder / "checkpoint.pt"
    model = make_model()
    state = load_checkpoint(checkpoint) if resume and checkpoint.exists() else None
    result = make_trainer(config, data, model, callbacks=[*callbacks, Checkpointing(checkpoint)],
                          control=control).fit(resume_from=state)
    return result, model


def test_same_seed_gives_identical_weights_and_metrics(boring_data, tmp_path) -> None:
    config = make_config(epochs=3, scheduler="cosine")
    first, model_a = _train(boring_data, tmp_path / "a", config)
    second, model_b = _train(boring_data, tmp_path / "b", config)
    assert first.test_metrics == second.test_metrics
    for name, value in model_a.state_dict().items():
        assert torch.equal(value, model_b.state_dict()[name]), name


def test_another_seed_shuffles_differently(boring_data, tmp_path) -> None:
    first, model_a = _train(boring_data, tmp_path / "a", make_config(epochs=1, seed=1))
    second, model_b = _train(boring_data, tmp_path / "b", make_config(epochs=1, seed=2))
    weights_a, weights_b = model_a.state_dict(), model_b.state_dict()
    assert any(not torch.equal(weights_a[k], weights_b[k]) for k in weights_a)


def test_stop_and_resume_reproduces_the_uninterrupted_run(boring_data, tmp_path) -> None:
    # Dropout draws from the global RNG, so resuming must restore it too.
    config = make_config(epochs=4, scheduler="onecycle")
    straight, straight_model = _train(boring_data, tmp_path / "straight", config)

    control = RunControl()
    stopper = Recorder(on_epoch=lambda e: control.request_stop() if e.epoch == 2 else None)
    stopped, _ = _train(boring_data, tmp_path / "resumed", config, control=control,
                        callbacks=[stopper])
    assert stopped.status == STOPPED and stopped.epochs_done == 2

    recorder = Recorder()
    torch.manual_seed(12345)  # resuming must not depend on the RNG state it finds
    resumed, resumed_model = _train(boring_data, tmp_path / "resumed", config, resume=True,
                                    callbacks=[recorder])
    assert [e.epoch for e in recorder.of(EpochEnd)] == [3, 4]
    assert recorder.events[0].start_epoch == 2
    assert resumed.test_metrics == straight.test_metrics
    assert resumed.best_epoch == straight.best_epoch
    for name, value in straight_model.state_dict().items():
        assert torch.equal(value, resumed_model.state_dict()[name]), name


def test_resume_without_a_checkpoint_starts_from_scratch(boring_data, tmp_path) -> None:
    recorder = Recorder()
    result, _ = _train(boring_data, tmp_path, make_config(epochs=2), resume=True,
                       callbacks=[recorder])
    assert recorder.events[0].start_epoch == 0
    assert result.epochs_done == 2


def test_a_checkpoint_carries_an_earlier_best_epoch_to_the_resumed_run() -> None:
    """restore_best after a resume tests the best epoch's weights even when that epoch came
    before the stop: the checkpoint carries them when they are not the last ones."""
    model = make_model(seed=1)
    state = TrainState(BestTracker("val_loss"))
    state.epoch = 1
    state.best.update(1, 0.5)
    state.keep_best(model)
    best = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(1.0)  # epoch 2 trains on and is worse
    state.epoch = 2
    state.best.update(2, 0.9)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    schedule = _NoSchedule()
    scaler = torch.amp.GradScaler("cuda", enabled=False)
    checkpoint = state.checkpoint(model, optimizer, schedule, scaler, torch.device("cpu"), 1.0)
    assert checkpoint["best_model"] is not None

    resumed_model = make_model(seed=2)
    resumed = TrainState(BestTracker("val_loss"))
    resumed.restore(checkpoint, resumed_model, torch.optim.SGD(resumed_model.parameters(), lr=0.1),
                    schedule, scaler, torch.device("cpu"))
    assert (resumed.epoch, resumed.best.epoch) == (2, 1)
    resumed.load_best_into(resumed_model)
    for name, value in resumed_model.state_dict().items():
        assert torch.equal(value, best[name]), name


class _NoSchedule:
    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass
