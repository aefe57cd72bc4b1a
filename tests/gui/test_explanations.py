"""Explanations in the window: Try it's "Show what the model looked at" and the misclassified
browser's Explain, on really trained tiny runs. The overlays appear only after the background
work answers, and an answer for a sample no longer selected is dropped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SHAPES, TOPICS, train_runs
from factories import write_decisive_token_table
from PySide6.QtGui import QImage

from app.core.analysis import test_results
from app.core.catalog import Catalog
from app.core.explain import Saliency, TokenAttributions
from app.gui.pages._catalog_detail import RunDetailView
from app.gui.pages._catalog_samples import MisclassifiedTab
from app.gui.pages.try_page import TryPage
from app.gui.state import AppState
from app.gui.widgets.explanation_views import FOR_COLOR, read_picture, saliency_overlay

WAIT_MS = 60_000
CIRCLE = SHAPES / "circle" / "000.png"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("explain-gui")
    table = write_decisive_token_table(root / "decisive.csv")
    base = {"batch_size": 32, "seed": 0, "threads": 1}
    ids = train_runs(root / "catalog.sqlite", {
        "image": {**base, "dataset": str(SHAPES), "model": "lenet5", "epochs": 2,
                  "image_size": 32, "lr": 0.003},
        "weak_text": {**base, "dataset": str(TOPICS), "model": "bag_of_embeddings",
                      "epochs": 1, "lr": 0.005},
        "text": {**base, "dataset": str(table), "model": "bag_of_embeddings", "epochs": 4,
                 "lr": 0.02},
    })
    return root / "catalog.sqlite", ids


def shown(qtbot, widget, width: int = 1110, height: int = 740):  # noqa: ANN001, ANN201
    """``widget`` on screen at a window's size, deleted after the test."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    return widget


@pytest.fixture
def page(qtbot, settings, runs, queue) -> TryPage:  # noqa: ANN001
    try_page = shown(qtbot, TryPage(AppState(settings, catalog_path=runs[0]), queue))
    with qtbot.waitSignal(try_page.model_loaded, timeout=WAIT_MS):
        pass
    return try_page


def choose(qtbot, page: TryPage, run_id: int) -> None:  # noqa: ANN001
    if page.current_run_id() != run_id:
        with qtbot.waitSignal(page.model_loaded, timeout=WAIT_MS):
            assert page.select_run(run_id)


def test_try_it_draws_the_saliency_over_the_image(qtbot, page, runs) -> None:  # noqa: ANN001
    choose(qtbot, page, runs[1]["image"])
    panel = page.explanation
    with qtbot.waitSignal(page.predicted, timeout=WAIT_MS):
        page.open_image(CIRCLE)
    assert panel.shown() is None, "nothing is explained until the box is ticked"
    with qtbot.waitSignal(panel.explained, timeout=WAIT_MS) as blocker:
        panel.toggle.setChecked(True)
        assert panel.work.busy and panel.shown() is None  # computed in the background
    saliency = blocker.args[0]
    assert isinstance(saliency, Saliency) and panel.shown() is saliency
    assert saliency.heatmap.shape == (32, 32)  # the image's own size
    assert saliency.target == page.results.shown()[0][0]  # the predicted class by default
    assert saliency.method.startswith("Grad-CAM on features.")
    drawn = panel.saliency.picture.pixmap().toImage()
    plain = read_picture(CIRCLE).scaled(drawn.width(), drawn.height())
    assert drawn.width() == 280 and _differs(drawn, plain), "the heat is drawn over the image"
    assert "raised the score of" in panel.saliency.legend.text()

    other = next(name for name in page.predictor.class_names if name != saliency.target)
    with qtbot.waitSignal(panel.explained, timeout=WAIT_MS) as blocker:
        panel.target.setCurrentText(other)
    assert blocker.args[0].target == other and blocker.args[0].predicted == saliency.target

    panel.toggle.setChecked(False)
    assert panel.shown() is None


def test_try_it_tints_the_tokens_of_a_text(qtbot, page, runs) -> None:  # noqa: ANN001
    choose(qtbot, page, runs[1]["text"])
    panel = page.explanation
    panel.toggle.setChecked(True)
    with qtbot.waitSignal(panel.explained, timeout=WAIT_MS) as blocker:
        qtbot.keyClicks(page.text_input.edit, "we really quax was quite")
    explained = blocker.args[0]
    assert isinstance(explained, TokenAttributions)
    assert explained.target == "south" and explained.top() == "quax"
    shown = panel.tokens.text.text()
    strongest = "#{:02x}{:02x}{:02x}".format(*(round(255 + (c - 255) * 0.85) for c in FOR_COLOR))
    assert f"background:{strongest};color:white'>&nbsp;quax&nbsp;" in shown
    assert "pushed towards <b>south</b>" in panel.tokens.legend.text()

    with qtbot.waitSignal(page.model_loaded, timeout=WAIT_MS):
        page.select_run(runs[1]["image"])
    assert panel.shown() is None, "another model: the old explanation is gone"


def _differs(a: QImage, b: QImage) -> bool:
    a, b = (image.convertToFormat(QImage.Format.Format_RGB32) for image in (a, b))
    return any(a.pixel(x, y) != b.pixel(x, y) for x in range(0, a.width(), 7)
               for y in range(0, a.height(), 7))


@pytest.fixture
def tab(qtbot):  # noqa: ANN001, ANN201
    widget = shown(qtbot, MisclassifiedTab(), 1000, 600)
    widget.explain_with(lambda: widget.catalog)
    return widget


@pytest.mark.parametrize("kind", ["image", "weak_text"])
def test_explain_shows_predicted_and_true_class_side_by_side(qtbot, tab, runs, kind) -> None:  # noqa: ANN001
    tab.catalog = Catalog(runs[0])
    results = test_results(tab.catalog, runs[1][kind])
    tab.set_results(results)
    wrong = results.misclassified()
    assert len(wrong) >= 2 and tab.browser.count() == len(wrong)
    assert not tab.explanation.button.isEnabled(), "nothing selected yet"
    tab.select_sample(0)
    with qtbot.waitSignal(tab.explanation.explained, timeout=WAIT_MS) as blocker:
        tab.explanation.button.click()
    predicted, true = blocker.args[0]
    assert (predicted.target, true.target) == (wrong[0].predicted_label, wrong[0].true_label)
    assert "Predicted: " in tab.explanation.headings[0].text()
    views = tab.explanation.images if kind == "image" else tab.explanation.texts
    assert all(view.isVisible() for view in views)
    if kind == "image":
        assert not views[0].picture.pixmap().isNull()
        assert views[1].saliency is true
    else:
        assert views[1].attributions is true and "&nbsp;" in views[1].text.text()


def test_an_answer_for_a_sample_no_longer_selected_is_dropped(qtbot, tab, runs) -> None:  # noqa: ANN001
    tab.catalog = Catalog(runs[0])
    tab.set_results(test_results(tab.catalog, runs[1]["image"]))
    tab.select_sample(0)
    tab.explanation.button.click()
    tab.select_sample(1)  # before the answer for sample 0 arrives
    qtbot.waitUntil(lambda: not tab.explanation.work.busy, timeout=WAIT_MS)
    assert tab.explanation.shown is None and tab.explanation.panes.isHidden()
    assert tab.explanation.button.isEnabled()


def test_the_run_detail_explains_its_misclassified_samples(qtbot, settings, runs, queue) -> None:  # noqa: ANN001
    detail = shown(qtbot, RunDetailView(AppState(settings, catalog_path=runs[0]), queue))
    with qtbot.waitSignal(detail.results_loaded, timeout=WAIT_MS):
        detail.show_run(runs[1]["image"])
    detail.tabs.setCurrentWidget(detail.misclassified)
    detail.misclassified.select_sample(0)
    with qtbot.waitSignal(detail.misclassified.explanation.explained, timeout=WAIT_MS) as done:
        detail.misclassified.explanation.button.click()
    sample = detail.results.misclassified()[0]
    assert [e.target for e in done.args[0]] == [sample.predicted_label, sample.true_label]
    qtbot.waitUntil(lambda: not detail.busy, timeout=WAIT_MS)


def test_the_overlay_fades_where_there_is_no_evidence() -> None:
    picture = QImage(8, 8, QImage.Format.Format_RGB32)
    picture.fill(0xFF204060)
    heat = np.zeros((8, 8), np.float32)
    heat[:, 4:] = 1.0
    drawn = saliency_overlay(picture, heat, side=8).convertToFormat(QImage.Format.Format_RGB32)
    assert drawn.pixel(1, 4) == picture.pixel(1, 4)  # no evidence: the picture untouched
    assert drawn.pixel(6, 4) != picture.pixel(6, 4)


def test_a_photo_sized_map_is_drawn_at_the_overlay_size() -> None:
    picture = QImage(1200, 800, QImage.Format.Format_RGB32)
    picture.fill(0xFF808080)
    heat = np.zeros((800, 1200), np.float32)
    heat[:, 600:] = 1.0
    drawn = saliency_overlay(picture, heat)
    assert (drawn.width(), drawn.height()) == (280, 186)
    assert drawn.pixel(20, 90) != drawn.pixel(260, 90)  # the right half is tinted
