"""The Data page on the bundled samples: header, previews and filters, chart, report, split."""

from __future__ import annotations

import pytest
from conftest import LOAD_TIMEOUT_MS, SHAPES, TOPICS, open_dataset
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication

from app.core.datasets import split_dataset
from app.gui.pages.data_page import DataPage


@pytest.fixture
def page(data_page) -> DataPage:  # noqa: ANN001 - conftest's shown Data page
    return data_page


def test_shapes_fill_the_header_grid_chart_and_report(qtbot, page, state) -> None:
    open_dataset(qtbot, state, SHAPES)
    dataset = state.dataset
    header = page.header
    assert "images" in header.kind.text()
    assert header.samples.text() == "600 kept of 600 found"
    assert header.classes.full_text == "4: circle, square, star, triangle"
    assert header.fingerprint.text() == dataset.fingerprint
    assert header.path.full_text == str(SHAPES)
    assert not page.table_options.isVisible()
    assert page.preview.currentWidget() is page.images
    assert page.images.grid.model().rowCount() == dataset.report.kept == 600
    assert page.status.loading.isHidden() and page.status.error.isHidden()

    assert page.chart.names == dataset.class_names
    assert list(page.chart.bars.opts["x"]) == [0, 1, 2, 3]
    assert list(page.chart.bars.opts["height"]) == [150, 150, 150, 150]
    assert [text for _, text in page.chart.ticks] == list(dataset.class_names)

    assert page.report.summary.text() == "found 600 · kept 600 · skipped 0"
    assert page.report.section("Skipped").text(0) == "Skipped (0)"
    assert page.report.section("Duplicates").text(0) == "Duplicates (0 groups)"


def test_image_class_filter_shows_only_that_class(qtbot, page, state) -> None:
    open_dataset(qtbot, state, SHAPES)
    combo, grid = page.images.class_filter, page.images.grid
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All classes (600)", "circle (150)", "square (150)", "star (150)", "triangle (150)"]
    combo.setCurrentIndex(combo.findData(state.dataset.class_names.index("star")))
    assert grid.model().rowCount() == 150
    captions = {grid.model().items[i].caption for i in range(150)}
    assert captions == {"star"}
    item = grid.model().items[0]
    assert item.tooltip.startswith("star/") and item.image_path.name == item.tooltip[5:]
    assert page.images.shown.text() == "150 of 600 images"
    combo.setCurrentIndex(0)
    assert grid.model().rowCount() == 600


def test_topics_table_filters_by_class_and_search(qtbot, page, state) -> None:
    open_dataset(qtbot, state, TOPICS)
    dataset = state.dataset
    preview = page.texts
    assert page.preview.currentWidget() is preview
    assert "table" in page.header.kind.text()
    assert preview.proxy.rowCount() == dataset.report.kept == 800
    first = preview.proxy.index(0, 0)
    assert first.data() == dataset.class_names[dataset.labels[0]]
    assert preview.proxy.index(0, 1).data() == dataset.texts[0]
    assert preview.proxy.index(0, 2).data() == "line 2"

    preview.class_filter.setCurrentIndex(preview.class_filter.findData(
        dataset.class_names.index("weather")))
    assert preview.proxy.rowCount() == 200
    assert {preview.proxy.index(r, 0).data() for r in range(200)} == {"weather"}

    qtbot.keyClicks(preview.search, "FOG")
    expected = sum(1 for text, label in zip(dataset.texts, dataset.labels, strict=True)
                   if "fog" in text.lower() and dataset.class_names[label] == "weather")
    assert 0 < preview.proxy.rowCount() == expected < 200
    assert preview.shown.text() == f"{expected} of 800 rows"
    preview.class_filter.setCurrentIndex(0)
    everywhere = sum(1 for text in dataset.texts if "fog" in text.lower())
    assert preview.proxy.rowCount() == everywhere >= expected
    preview.search.clear()
    assert preview.proxy.rowCount() == 800


def test_text_table_sorts_by_each_column_and_keeps_the_filter(qtbot, page, state) -> None:
    open_dataset(qtbot, state, TOPICS)
    dataset, preview = state.dataset, page.texts
    proxy, table = preview.proxy, preview.table

    def column(c: int) -> list[str]:
        return [proxy.index(r, c).data() for r in range(proxy.rowCount())]

    table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert column(2)[:2] == ["line 801", "line 800"]  # numbers, not strings
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert column(1) == sorted(dataset.texts, key=str.casefold)
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert column(0) == sorted(column(0), reverse=True)

    preview.class_filter.setCurrentIndex(preview.class_filter.findData(
        dataset.class_names.index("sports")))
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert set(column(0)) == {"sports"} and len(column(0)) == 200
    assert column(1) == sorted(column(1), key=str.casefold, reverse=True)
    table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert column(2)[0] == next(dataset.sample_ids[i] for i, label in enumerate(dataset.labels)
                                if dataset.class_names[label] == "sports")


def test_table_options_show_what_the_loader_resolved(qtbot, page, state) -> None:
    open_dataset(qtbot, state, TOPICS)
    bar = page.table_options
    assert bar.isVisible()
    assert (bar.text_column.text(), bar.label_column.text()) == ("text", "label")
    assert bar.delimiter.currentText() == "comma"
    assert bar.has_header.currentText() == "yes"


def test_fingerprint_copy_button(qtbot, page, state) -> None:
    open_dataset(qtbot, state, SHAPES)
    qtbot.mouseClick(page.header.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == state.dataset.fingerprint


def test_split_values_edit_state_and_counts(qtbot, page, state) -> None:
    open_dataset(qtbot, state, SHAPES)
    panel = page.split
    assert panel.counts.text() == "train 420 · val 60 · test 120"
    with qtbot.waitSignal(state.values_changed):
        panel.val.setValue(0.25)
    assert state.values["val_fraction"] == 0.25
    split = split_dataset(state.dataset, 0.25, 0.2, 0)
    assert panel.counts.text() == (
        f"train {len(split.train)} · val {len(split.val)} · test {len(split.test)}")
    assert len(split.train) + len(split.val) + len(split.test) == state.dataset.report.kept

    panel.seed.setValue(7)
    assert state.values["seed"] == 7
    assert panel.split.val == split_dataset(state.dataset, 0.25, 0.2, 7).val
    assert sum(map(len, (panel.split.train, panel.split.val, panel.split.test))) == 600

    panel.test.setValue(0.8)  # 0.25 + 0.8 >= 1: marked, explained, not stored
    assert state.values["test_fraction"] == 0.2
    assert panel.problem.isVisible() and "below 1" in panel.problem.text()
    assert panel.val.styleSheet() and panel.test.styleSheet()
    assert panel.counts.text() == "train – · val – · test –"
    panel.test.setValue(0.3)
    assert state.values["test_fraction"] == 0.3 and not panel.problem.isVisible()
    assert not panel.val.styleSheet()

    state.update_values({"val_fraction": 0.1, "test_fraction": 0.1, "seed": 3})
    assert (panel.val.value(), panel.test.value(), panel.seed.value()) == (0.1, 0.1, 3)
    assert panel.counts.text() == "train 480 · val 60 · test 60"


def test_dropping_a_folder_opens_it(qtbot, page, state) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SHAPES))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(state.dataset_changed, timeout=LOAD_TIMEOUT_MS):
        page.dropEvent(event)
    assert event.isAccepted()
    assert page.header.fingerprint.text() == state.dataset.fingerprint


def test_a_page_made_after_loading_shows_the_open_dataset(qtbot, state, queue) -> None:
    open_dataset(qtbot, state, TOPICS)
    late = DataPage(state, queue)
    qtbot.addWidget(late)
    assert late.texts.proxy.rowCount() == 800
    assert late.header.fingerprint.text() == state.dataset.fingerprint
