"""The Training page's words and numbers, and the smoothing behind its loss curve."""

from __future__ import annotations

import pytest

from app.core.config import RunConfig
from app.gui.pages._training_format import byte_size, config_summary, duration, rate
from app.gui.pages._training_plots import ExponentialSmoother


def test_summary_names_model_dataset_epochs_lr_and_device() -> None:
    config = RunConfig.from_mapping({"dataset": "/data/shapes", "model": "small_cnn",
                                     "epochs": 3, "lr": 0.003, "device": "cpu"})
    text = config_summary(config)
    for part in ("small_cnn", "shapes", "3 epochs", "lr 0.003", "device cpu"):
        assert part in text


@pytest.mark.parametrize(("seconds", "text"), [(None, "—"), (float("nan"), "—"), (4.4, "4 s"),
                                               (125, "2 min 05 s"), (7800, "2 h 10 min")])
def test_duration(seconds, text) -> None:  # noqa: ANN001
    assert duration(seconds) == text


def test_sizes_rates_and_devices() -> None:
    assert byte_size(0) == "—" and byte_size(512) == "512 B"
    assert byte_size(3 * 1024**3) == "3.0 GB"
    assert rate(1234.5) == "1,234 samples/s" and rate(12.34) == "12.3 samples/s"


def test_smoothing_starts_at_the_first_value_and_follows_slowly() -> None:
    smooth = ExponentialSmoother(0.8)
    assert smooth(2.0) == pytest.approx(2.0)  # debiased: not pulled towards zero
    assert smooth(0.0) == pytest.approx(0.32 / 0.36)  # weights 0.8·0.2 and 0.2, renormalised
    smooth.reset()
    assert smooth(5.0) == pytest.approx(5.0)
