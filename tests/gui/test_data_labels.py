"""Check labels on the Data page, with real widgets, a real check and a real catalog: the
window ranks planted label errors, excludes and relabels selected samples, undoes, shows what
the next run carries, and the run the Models page would start carries exactly that; a check
in progress cancels."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import LOAD_TIMEOUT_MS, SHAPES, open_dataset
from factories import text_rows, write_image_folder
from PySide6.QtCore import QItemSelectionModel, Qt

from app.core.labels import pretrained_backbone
from app.gui.pages._data_labels import LabelCheckWindow
from app.gui.pages.data_page import DataPage

FLIPPED = (3, 30, 61)


@pytest.fixture
def page(data_page) -> DataPage:  # noqa: ANN001 - conftest's shown Data page
    return data_page


@pytest.fixture
def flipped_table(tmp_path: Path) -> Path:
    rows = [list(row) for row in text_rows(25)]
    for i in FLIPPED:
        rows[i][1] = next(c for c in ("sports", "weather", "cooking") if c != rows[i][1])
    path = tmp_path / "topics.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("text", "label"))
        writer.writerows(rows)
    return path


def _select(window: LabelCheckWindow, rows: list[int]) -> None:
    selection = window.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(window.model.index(row, 0), flags)


def _settled(qtbot, window: LabelCheckWindow) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not window.work.busy, timeout=LOAD_TIMEOUT_MS)


def test_the_window_ranks_planted_errors_and_the_next_run_carries_the_changes(
        qtbot, page, state, flipped_table: Path) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, flipped_table)
    window = page.labels.open_window()
    qtbot.addWidget(window)
    window.pretrained.setChecked(False)  # TF-IDF: seconds, and no backbone to load

    window.start_button.click()
    assert window.running and window.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: window.result is not None, timeout=LOAD_TIMEOUT_MS)
    _settled(qtbot, window)

    model = window.model
    ids = [issue.sample_id for issue in model.issues]
    planted = {f"line {i + 2}" for i in FLIPPED}
    assert len(planted & set(ids)) >= 2, ids
    assert model.rowCount() == len(window.result.issues) and model.columnCount() == 5
    first = model.issues[0]
    assert model.index(0, 0).data() == state.dataset.texts[first.index]
    assert model.index(0, 1).data() == first.given and model.index(0, 4).data() == ""
    assert model.index(0, 2).data().startswith(first.suggested)
    assert "TF-IDF" in window.status.text() and window.progress.format() == "Done"
    assert not window.exclude_button.isEnabled()  # nothing selected yet

    _select(window, [0, 1])
    assert window.exclude_button.isEnabled()
    window.exclude_button.click()
    _settled(qtbot, window)
    assert [model.index(r, 4).data() for r in (0, 1)] == ["excluded", "excluded"]
    if model.rowCount() > 2:
        _select(window, [2])
        window.suggested_button.click()
        _settled(qtbot, window)
        assert model.index(2, 4).data() == f"labelled {model.issues[2].suggested}"
    _select(window, [1])
    window.undo_button.click()
    _settled(qtbot, window)
    assert model.index(1, 4).data() == ""

    expected = {model.issues[0].sample_id: False}
    if model.rowCount() > 2:
        expected[model.issues[2].sample_id] = model.issues[2].suggested
    relabelled = len(expected) - 1
    summary = (f"{len(expected)} label change{'s' if len(expected) > 1 else ''} go into the "
               f"next run (1 excluded, {relabelled} relabelled).")
    assert window.changes_label.text() == summary
    qtbot.waitUntil(lambda: page.labels.summary.text() == summary, timeout=LOAD_TIMEOUT_MS)
    assert state.build_config().data.label_changes == expected  # what Start would train
    assert flipped_table.read_text(encoding="utf-8").count("\n") == 76  # the file as it was


@pytest.mark.skipif(pretrained_backbone("image") is None, reason="EfficientNet-Lite0 missing")
def test_a_running_check_cancels(qtbot, page, state) -> None:  # noqa: ANN001
    open_dataset(qtbot, state, SHAPES)
    window = page.labels.open_window()
    qtbot.addWidget(window)
    assert window.pretrained.isChecked()  # installed: the backbone's features by default
    window.reports.changed.connect(lambda *_: window.cancel())  # at the first batch

    window.start_button.click()
    qtbot.waitUntil(lambda: not window.running, timeout=LOAD_TIMEOUT_MS * 2)

    assert window.result is None and window.model.rowCount() == 0
    assert window.status.text() == "The label check was cancelled."
    assert window.progress.format() == "Cancelled" and window.start_button.isEnabled()


@pytest.mark.skipif(pretrained_backbone("image") is None, reason="EfficientNet-Lite0 missing")
def test_image_issues_show_their_thumbnails(qtbot, page, state,  # noqa: ANN001
                                            tmp_path: Path) -> None:
    root = write_image_folder(tmp_path / "colours", per_class=15, size=24)
    (root / "red" / "003.png").rename(root / "blue" / "red-003.png")  # a red square as blue
    open_dataset(qtbot, state, root)
    window = page.labels.open_window()
    qtbot.addWidget(window)

    window.start_button.click()
    qtbot.waitUntil(lambda: window.result is not None, timeout=LOAD_TIMEOUT_MS * 2)

    model = window.model
    assert "efficientnet_lite0" in window.status.text()
    assert model.issues[0].sample_id == "blue/red-003.png"
    assert (model.issues[0].given, model.issues[0].suggested) == ("blue", "red")
    assert model.index(0, 0).data() == "blue/red-003.png"  # images: the id beside the picture
    model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)  # the view asks; it decodes
    qtbot.waitUntil(lambda: model.thumbnails_loaded >= 1, timeout=LOAD_TIMEOUT_MS)
    _settled(qtbot, window)
