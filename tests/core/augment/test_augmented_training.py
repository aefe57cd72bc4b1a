"""Training with augmentation: reproducible from the seed, resumable bit for bit, off is the
plain loop, and evaluation never sees an augmented image. Real tiny trainings (small_cnn)."""

from __future__ import annotations

import torch
from aug_images import make_config, make_image_data, make_model

from app.core.engine import (
    STOPPED,
    Callback,
    Checkpointing,
    EpochEnd,
    RunControl,
    Trainer,
    load_checkpoint,
    predict,
)

MEDIUM = {"augment": "medium", "aug_vflip": 0.2}


class _Epochs(Callback):
    def __init__(self, stop_at: int | None = None, control: RunControl | None = None) -> None:
        self.events: list[EpochEnd] = []
        self.stop_at, self.control = stop_at, control

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.events.append(event)
        if event.epoch == self.stop_at and self.control is not None:
            self.control.request_stop()


def _train(config, data, *, folder=None, resume=False, control=None, callbacks=()):
    model = make_model()
    saving = [Checkpointing(folder / "checkpoint.pt")] if folder is not None else []
    state = load_checkpoint(folder / "checkpoint.pt") if resume else None
    trainer = Trainer(config.training, config.runtime, data, model,
                      callbacks=[*callbacks, *saving], control=control)
    return trainer.fit(resume_from=state), model, trainer


def _same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    other = b.state_dict()
    return all(torch.equal(value, other[name]) for name, value in a.state_dict().items())


def test_same_seed_gives_identical_weights_and_another_seed_differs() -> None:
    data = make_image_data()
    first, model_a, trainer = _train(make_config(seed=3, **MEDIUM), data)
    second, model_b, _ = _train(make_config(seed=3, **MEDIUM), data)
    assert trainer.augmenter is not None and first.status == "completed"
    assert _same_weights(model_a, model_b)
    assert first.test_metrics == second.test_metrics
    _, model_c, _ = _train(make_config(seed=4, **MEDIUM), data)
    assert not _same_weights(model_a, model_c)


def test_augmentation_changes_training_but_not_the_global_rng() -> None:
    """On vs off trains differently, yet leaves torch's global RNG (dropout's) in the same
    state: the augmenter draws from its own generator."""
    data = make_image_data()
    _, model_off, trainer_off = _train(make_config(), data)
    rng_off = torch.get_rng_state()
    _, model_on, _ = _train(make_config(**MEDIUM), data)
    rng_on = torch.get_rng_state()
    assert trainer_off.augmenter is None
    assert not _same_weights(model_off, model_on)
    assert torch.equal(rng_off, rng_on)


def test_off_is_bit_identical_to_the_plain_loop() -> None:
    """A preset whose every transform is overridden to nothing builds no augmenter, so the
    run is exactly the run without augmentation settings."""
    data = make_image_data()
    _, plain, _ = _train(make_config(), data)
    neutral = make_config(augment="strong", aug_hflip=0, aug_vflip=0, aug_rotation=0,
                          aug_crop_scale=1, aug_color=0)
    _, overridden, trainer = _train(neutral, data)
    assert trainer.augmenter is None
    assert _same_weights(plain, overridden)


def test_validation_and_test_see_the_images_as_stored() -> None:
    data = make_image_data()
    epochs = _Epochs()
    config = make_config(augment="strong", aug_vflip=1.0, restore_best=False)
    result, model, trainer = _train(config, data, callbacks=[epochs])
    val = predict(model, data.val, data.to_model_input, torch.device("cpu"), 256, None)
    test = predict(model, data.test, data.to_model_input, torch.device("cpu"), 256, None)
    assert abs(epochs.events[-1].val_loss - val.loss) < 1e-6
    assert torch.equal(result.test_predictions.probabilities, test.probabilities)


def test_a_resumed_augmented_run_equals_the_uninterrupted_one(tmp_path) -> None:
    data = make_image_data()
    config = make_config(epochs=4, scheduler="cosine", **MEDIUM)
    straight, straight_model, _ = _train(config, data)

    control = RunControl()
    stopped, _, _ = _train(config, data, folder=tmp_path, control=control,
                           callbacks=[_Epochs(stop_at=2, control=control)])
    assert stopped.status == STOPPED and stopped.epochs_done == 2
    torch.manual_seed(999)  # resuming must not depend on the RNG state it finds
    epochs = _Epochs()
    resumed, resumed_model, _ = _train(config, data, folder=tmp_path, resume=True,
                                       callbacks=[epochs])
    assert [e.epoch for e in epochs.events] == [3, 4]
    assert resumed.test_metrics == straight.test_metrics
    assert _same_weights(straight_model, resumed_model)


def test_grayscale_images_train_with_augmentation() -> None:
    data = make_image_data(channels=1)
    config = make_config(augment="strong")
    model = make_model(channels=1)
    result = Trainer(config.training, config.runtime, data, model).fit()
    assert result.status == "completed", result.message
