"""The Models page with a real AppState and queue on the bundled samples."""

from __future__ import annotations

import pytest
from conftest import SHAPES, TOPICS, TRAIN_TIMEOUT_MS, open_dataset
from PySide6.QtCore import Qt

from app.core.datasets import prepare_data, split_dataset
from app.core.palette import describe, list_specs
from app.gui.pages.models_page import ModelsPage

COUNT_TIMEOUT_MS = 60_000


@pytest.fixture
def page(qtbot, state, queue) -> ModelsPage:  # noqa: ANN001
    widget = ModelsPage(state, queue)
    qtbot.addWidget(widget)
    widget.resize(1110, 740)
    widget.show()
    return widget


def counted(page: ModelsPage) -> bool:
    cards = page.architectures.cards.values()
    return bool(cards) and all(card.parameters_text.endswith("parameters") for card in cards)


def type_into(qtbot, editor, text: str) -> None:  # noqa: ANN001
    line = editor.lineEdit() if hasattr(editor, "lineEdit") else editor
    line.selectAll()
    qtbot.keyClicks(line, text)


def test_palette_follows_the_data_kind_with_sizes_for_the_data(qtbot, page, state) -> None:  # noqa: ANN001
    assert page.architectures.names() == [s.name for s in list_specs()]
    assert not page.train_button.isEnabled()  # no dataset yet
    open_dataset(qtbot, state, SHAPES)
    assert page.architectures.names() == [s.name for s in list_specs("image")]
    assert page.architectures.selected() == state.model_name == "small_cnn"
    qtbot.waitUntil(lambda: counted(page), timeout=COUNT_TIMEOUT_MS)
    for spec in list_specs("image"):
        expected = describe(spec, 4, in_channels=3).parameters
        assert page.architectures.cards[spec.name].parameters_text == f"{expected:,} parameters"

    open_dataset(qtbot, state, TOPICS)
    assert page.architectures.names() == [s.name for s in list_specs("text")]
    assert "…" in page.architectures.cards["textcnn"].meta_label.text() or counted(page)
    qtbot.waitUntil(lambda: counted(page), timeout=COUNT_TIMEOUT_MS)
    dataset = state.dataset
    # The vocabulary a run would build: prepare_data on the configured split.
    split = split_dataset(dataset, state.values["val_fraction"], state.values["test_fraction"],
                          state.values["seed"])
    vocab = prepare_data(dataset, split, image_size=32).vocab_size
    for spec in list_specs("text"):
        expected = describe(spec, len(dataset.class_names), vocab_size=vocab).parameters
        card = page.architectures.cards[spec.name]
        assert card.parameters_text == f"{expected:,} parameters"
        assert f"input {spec.input_size} tokens" in card.meta_label.text()
    qtbot.waitUntil(lambda: "textcnn" in page.summary_label.text(), timeout=COUNT_TIMEOUT_MS)


def test_choosing_an_architecture_sets_the_model_and_rebuilds_the_form(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, SHAPES)
    assert set(page.options_form.fields) == {"width", "dropout"}
    lenet = page.architectures
    row = lenet.names().index("lenet5")
    rect = lenet.visualItemRect(lenet.item(row))
    with qtbot.waitSignal(state.model_changed):
        qtbot.mouseClick(lenet.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert state.model_name == "lenet5"
    assert set(page.options_form.fields) == {"activation", "dropout"}
    assert page.options_form.editor("activation").currentText() == "relu"
    assert page.run_form.values()["epochs"] == 15  # lenet5's training default
    assert "image_size" in page.run_form.fields and "max_length" not in page.run_form.fields
    assert page.run_form.editor("lr").toolTip() == "Learning rate"


def test_bad_values_are_marked_block_training_and_fixing_them_unblocks(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, TOPICS)
    assert page.train_button.isEnabled() and page.queue_button.isEnabled()
    lr = page.run_form.editor("lr")
    type_into(qtbot, lr, "-0.001")
    assert lr.property("invalid") is True
    assert "Learning rate: must be greater than 0" in page.error_label.text()
    assert page.error_label.isVisibleTo(page)
    assert not page.train_button.isEnabled() and not page.queue_button.isEnabled()
    assert state.values["lr"] == 1e-3  # a bad value never reaches the state
    type_into(qtbot, lr, "3e-4")
    assert lr.property("invalid") is False and page.train_button.isEnabled()
    assert state.values["lr"] == pytest.approx(3e-4)

    epochs = page.run_form.editor("epochs")
    type_into(qtbot, epochs, "0")
    assert epochs.property("invalid") is True and not page.train_button.isEnabled()
    assert "Epochs: must be between 1 and 100000" in page.error_label.text()
    type_into(qtbot, epochs, "2")
    assert page.train_button.isEnabled() and not page.error_label.isVisibleTo(page)

    val, test = page.run_form.editor("val_fraction"), page.run_form.editor("test_fraction")
    type_into(qtbot, val, "0.6")
    type_into(qtbot, test, "0.5")
    assert val.property("invalid") is True and test.property("invalid") is True
    assert "val_fraction + test_fraction must be below 1" in page.error_label.text()
    assert not page.train_button.isEnabled()
    type_into(qtbot, test, "0.2")
    assert page.train_button.isEnabled()
    assert (state.values["val_fraction"], state.values["test_fraction"]) == (0.6, 0.2)


def test_a_model_the_settings_cannot_build_is_flagged(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, TOPICS)
    with qtbot.waitSignal(state.model_changed):
        state.set_model("transformer")
    type_into(qtbot, page.options_form.editor("d_model"), "66")  # 4 heads do not divide 66
    qtbot.waitUntil(lambda: not page.train_button.isEnabled(), timeout=COUNT_TIMEOUT_MS)
    assert page.options_form.editor("d_model").property("invalid") is True
    assert page.options_form.editor("num_heads").property("invalid") is True  # the error's fields
    assert "divisible" in page.error_label.text()
    type_into(qtbot, page.options_form.editor("d_model"), "64")
    qtbot.waitUntil(page.train_button.isEnabled, timeout=COUNT_TIMEOUT_MS)


def test_edits_persist_into_state_and_settings(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, TOPICS)
    type_into(qtbot, page.options_form.editor("kernel_sizes"), "2,3")
    type_into(qtbot, page.run_form.editor("batch_size"), "16")
    page.run_form.editor("optimizer").setCurrentText("sgd")
    assert page.run_form.editor("momentum").isEnabled()
    assert state.model_options["kernel_sizes"] == (2, 3)
    assert (state.values["batch_size"], state.values["optimizer"]) == (16, "sgd")
    assert state.settings.last_values()["batch_size"] == 16
    # Values changed elsewhere (another page) show up in the form.
    state.update_values({"epochs": 7})
    assert page.run_form.values()["epochs"] == 7
    assert state.build_config().model.options["kernel_sizes"] == (2, 3)


def test_train_queues_a_run_and_shows_the_training_page(qtbot, window, state, queue) -> None:  # noqa: ANN001
    page = window.show_page("Models")
    open_dataset(qtbot, state, TOPICS)
    with qtbot.waitSignal(state.model_changed):
        state.set_model("bag_of_embeddings")
    type_into(qtbot, page.run_form.editor("epochs"), "1")
    with qtbot.waitSignal(queue.idle, timeout=TRAIN_TIMEOUT_MS), \
            qtbot.waitSignal(page.train_requested):
        qtbot.mouseClick(page.train_button, Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.pages["Training"]
        qtbot.mouseClick(page.queue_button, Qt.MouseButton.LeftButton)  # a second, queued
        assert len(queue.pending) == 1
    runs = state.catalog.list_runs()
    assert len(runs) == 2
    assert {run.model for run in runs} == {"bag_of_embeddings"}
    assert all(run.total_epochs == 1 and run.status == "completed" for run in runs), runs


def test_text_model_sizes_follow_the_vocabulary_settings(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, TOPICS)
    qtbot.waitUntil(lambda: counted(page), timeout=COUNT_TIMEOUT_MS)
    type_into(qtbot, page.run_form.editor("max_vocab"), "50")  # caps the 324 tokens
    spec = list_specs("text")[0]
    expected = f"{describe(spec, 4, vocab_size=50).parameters:,} parameters"
    card = page.architectures.cards[spec.name]
    qtbot.waitUntil(lambda: card.parameters_text == expected, timeout=COUNT_TIMEOUT_MS)
