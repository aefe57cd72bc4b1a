"""The Models page's augmentation fields and preview grid, in the real window on the bundled
shapes sample (image) and topics table (text)."""

from __future__ import annotations

import numpy as np
from conftest import SHAPES, TOPICS, open_dataset

from app.gui.pages.models_page import ModelsPage

WAIT_MS = 60_000
AUG_FIELDS = ["augment", "aug_hflip", "aug_vflip", "aug_rotation", "aug_crop_scale", "aug_color"]


def _models_page(window) -> ModelsPage:  # noqa: ANN001
    page = window.pages["Models"]
    window.stack.setCurrentWidget(page)
    return page


def _opened_with_preview(qtbot, page, state):  # noqa: ANN001, ANN202
    preview = page.augment_preview
    with qtbot.waitSignal(preview.drawn, timeout=WAIT_MS) as first:
        open_dataset(qtbot, state, SHAPES)
    return preview, first.args[0]


def test_image_runs_get_an_augmentation_group_and_text_runs_none(qtbot, window, state) -> None:
    page = _models_page(window)
    open_dataset(qtbot, state, SHAPES)
    form = page.run_form
    assert [name for name, f in form.fields.items() if f.group == "Augmentation"] == AUG_FIELDS
    assert form.editor("augment").currentText() == "off"
    assert not any(form.fields[name].advanced for name in AUG_FIELDS)
    open_dataset(qtbot, state, TOPICS)
    assert not set(AUG_FIELDS) & set(page.run_form.fields)
    assert page.augment_preview.isHidden()  # text data: no preview


def test_off_shows_the_originals_and_a_strength_redraws_them(qtbot, window, state) -> None:
    page = _models_page(window)
    preview, originals = _opened_with_preview(qtbot, page, state)
    assert preview.isVisible() and not originals.augmented
    assert not preview.new_draw.isEnabled()
    assert preview.tiles[0].pixmap() is not None and not preview.tiles[0].pixmap().isNull()
    editor = page.run_form.editor("augment")
    with qtbot.waitSignal(preview.drawn, timeout=WAIT_MS) as strong:
        editor.setCurrentText("strong")  # a user edit in the form
    assert state.values["augment"] == "strong"
    assert strong.args[0].augmented and strong.args[0].indices == originals.indices
    assert not np.array_equal(strong.args[0].images, originals.images)
    with qtbot.waitSignal(preview.drawn, timeout=WAIT_MS) as again:
        preview.new_draw.click()
    assert not np.array_equal(again.args[0].images, strong.args[0].images)


def test_one_transform_setting_redraws_and_other_settings_do_not(qtbot, window, state) -> None:
    page = _models_page(window)
    preview, originals = _opened_with_preview(qtbot, page, state)
    with qtbot.waitSignal(preview.drawn, timeout=WAIT_MS) as flipped:
        state.update_values({"aug_vflip": 1.0})  # off + one transform: only that one
    images = flipped.args[0].images
    assert np.array_equal(images, originals.images[:, :, ::-1, :])
    with qtbot.assertNotEmitted(preview.drawn, wait=600):
        state.update_values({"lr": 0.05})


def test_augmentation_set_for_images_does_not_follow_into_a_text_run(qtbot, window,
                                                                    state) -> None:
    from app.core.runs import plan_run

    open_dataset(qtbot, state, SHAPES)
    state.update_values({"augment": "strong", "aug_vflip": 0.5})
    assert state.build_config().training.augment == "strong"
    open_dataset(qtbot, state, TOPICS)
    config = state.build_config()
    assert (config.training.augment, config.training.aug_vflip) == ("off", None)
    plan_run(config)  # not refused: the text form shows no augmentation to fix
    assert state.values["augment"] == "strong"  # back on images it is still there
