"""The Try it page on a real catalog: a tiny text run and a tiny image run, really trained."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHAPES, TOPICS, train_runs
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel

from app.core.inference import ClassScore
from app.gui.pages._try_results import PredictionView
from app.gui.pages.try_page import TryPage
from app.gui.state import AppState

WAIT_MS = 60_000
SPORTS = "The striker scored a goal and the referee, the captain and the fans cheered the derby"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("try") / "catalog.sqlite"
    ids = train_runs(path, {
        key: {"name": f"{key} run", "batch_size": 32, "seed": 0, **values}
        for key, values in (
            ("image", {"dataset": str(SHAPES), "model": "mlp", "epochs": 1}),
            ("text", {"dataset": str(TOPICS), "model": "bag_of_embeddings", "epochs": 4,
                      "lr": 0.01}),
        )})
    return path, ids


@pytest.fixture
def page(qtbot, settings, runs, queue) -> TryPage:  # noqa: ANN001
    state = AppState(settings, catalog_path=runs[0])
    try_page = TryPage(state, queue)
    qtbot.addWidget(try_page)
    try_page.resize(1110, 740)
    try_page.show()
    with qtbot.waitSignal(try_page.model_loaded, timeout=WAIT_MS):
        pass  # the newest run is chosen and loaded by itself
    return try_page


def choose(qtbot, page: TryPage, run_id: int) -> None:  # noqa: ANN001
    if page.current_run_id() == run_id and page.predictor is not None:
        return
    with qtbot.waitSignal(page.model_loaded, timeout=WAIT_MS):
        assert page.select_run(run_id)


def test_combo_lists_completed_runs_with_weights_newest_first(page, runs) -> None:
    _, ids = runs
    texts = [page.combo.itemText(i) for i in range(page.combo.count())]
    assert [page.combo.itemData(i) for i in range(page.combo.count())] == \
        [f"run:{ids['text']}", f"run:{ids['image']}"]
    assert texts[0].startswith(f"#{ids['text']} text run — bag_of_embeddings, test acc ")
    assert page.top_k.value() == 3
    assert page.inputs.currentWidget() is page.text_input


def test_typing_text_predicts_after_a_pause(qtbot, page, runs) -> None:
    _, ids = runs
    choose(qtbot, page, ids["text"])
    shown: list[tuple] = []
    page.predicted.connect(shown.append)
    with qtbot.waitSignal(page.predicted, timeout=WAIT_MS):
        qtbot.keyClicks(page.text_input.edit, SPORTS)
    assert len(shown) == 1, "one prediction for the whole burst of typing (debounced)"
    rows = page.results.shown()
    assert len(rows) == 3
    assert rows[0][0] == "sports"
    probabilities = [p for _, p in rows]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) <= 1.0 + 1e-6
    assert "sports" in page.results.message_text()


def test_top_k_changes_the_number_of_rows(qtbot, page, runs) -> None:
    _, ids = runs
    choose(qtbot, page, ids["text"])
    page.text_input.edit.setPlainText(SPORTS)
    with qtbot.waitSignal(page.predicted, timeout=WAIT_MS):
        page.top_k.setValue(4)
    rows = page.results.shown()
    assert len(rows) == 4
    assert sum(p for _, p in rows) == pytest.approx(1.0, abs=1e-4)  # every class shown
    assert page.top_k.maximum() == 4


def test_opening_an_image_shows_top_k(qtbot, page, runs) -> None:
    _, ids = runs
    choose(qtbot, page, ids["image"])
    assert page.inputs.currentWidget() is page.image_input
    with qtbot.waitSignal(page.predicted, timeout=WAIT_MS):
        page.open_image(SHAPES / "star" / "003.png")
    rows = page.results.shown()
    assert len(rows) == 3
    assert {name for name, _ in rows} <= {"circle", "square", "star", "triangle"}
    assert [p for _, p in rows] == sorted((p for _, p in rows), reverse=True)
    assert not page.image_input.drop_area.pixmap().isNull()
    assert page.image_input.file_label.text() == "003.png"


# PySide6 offers QDragEnterEvent only with the deprecated QPoint signature.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dropping_an_image_file_predicts(qtbot, page, runs) -> None:
    _, ids = runs
    choose(qtbot, page, ids["image"])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SHAPES / "circle" / "001.png"))])
    area = page.image_input.drop_area
    drag = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(10, 10), *drag)
    QApplication.sendEvent(area, enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(page.predicted, timeout=WAIT_MS):
        QApplication.sendEvent(area, QDropEvent(QPoint(10, 10).toPointF(), *drag))
    assert page.image_input.file_label.text() == "001.png"
    assert len(page.results.shown()) == 3


def test_a_corrupt_image_shows_a_message_and_the_page_stays_usable(qtbot, page, runs,
                                                                     tmp_path) -> None:
    _, ids = runs
    choose(qtbot, page, ids["image"])
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n this is not really a picture")
    with qtbot.waitSignal(page.prediction_failed, timeout=WAIT_MS) as blocker:
        page.open_image(bad)
    assert "broken.png" in blocker.args[0]
    assert "broken.png" in page.results.message_text()
    assert page.results.shown() == []
    with qtbot.waitSignal(page.predicted, timeout=WAIT_MS):
        page.open_image(SHAPES / "square" / "002.png")
    assert len(page.results.shown()) == 3


def test_new_scores_replace_the_old_rows_at_once(qtbot) -> None:  # noqa: ANN001
    """An image model's rows, then a text model's: only the new names are drawn, even before
    the event loop has deleted the old labels (they were drawn under the new ones)."""
    results = PredictionView()
    qtbot.addWidget(results)
    results.show()
    results.show_scores([ClassScore("star", 0.96), ClassScore("triangle", 0.04)])
    results.show_scores([ClassScore("sports", 0.99), ClassScore("weather", 0.01)])
    drawn = {label.text() for label in results.rows.findChildren(QLabel) if label.isVisible()}
    assert drawn == {"sports", "weather", "99.0%", "1.0%"}
