"""The Data page on made-up folders and files: big folders, bad files, failures, table options."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import LOAD_TIMEOUT_MS, SHAPES, open_dataset
from PIL import Image
from PySide6.QtCore import Qt, QThreadPool, QTimer

from app.core.datasets import TableOptions
from app.gui.pages._data_chart import SMALL_COLOR
from app.gui.pages.data_page import DataPage
from app.gui.widgets.sample_grid import THUMB

BIG = 2000


def write_images(folder: Path, counts: dict[str, int], start: int = 0) -> None:
    """Tiny distinct PNGs (no two share bytes, so no duplicate groups)."""
    serial = start
    for name, count in counts.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            colour = (serial % 256, serial // 256 % 256, 80)
            Image.new("RGB", (8, 8), colour).save(folder / name / f"{i:04d}.png")
            serial += 1


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    write_images(folder, {"dark": BIG // 2, "light": BIG // 2})
    return folder


@pytest.fixture
def page(data_page) -> DataPage:  # noqa: ANN001 - conftest's shown Data page
    return data_page


def test_big_folder_loads_without_freezing_and_thumbnails_load_lazily(
        qtbot, page, state, big_folder) -> None:
    ticks: list[float] = []
    probe = QTimer()
    probe.setInterval(20)
    probe.timeout.connect(lambda: ticks.append(time.monotonic()))
    probe.start()
    with qtbot.waitSignal(state.dataset_changed, timeout=LOAD_TIMEOUT_MS):
        page.open_path(big_folder)
        assert page.status.loading.isVisible()
        assert "Loading" in page.status.loading_label.text()
    started = time.monotonic()
    model = page.images.grid.sample_model
    qtbot.waitUntil(lambda: model.thumbnails_loaded > 0, timeout=10_000)
    probe.stop()
    assert page.status.loading.isHidden()
    assert model.rowCount() == BIG
    assert len(ticks) >= 5, "the event loop did not run while the folder loaded"
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < 2.0, f"the page froze for {max(gaps):.2f}s"
    assert time.monotonic() - started < 10

    assert QThreadPool.globalInstance().waitForDone(30_000)
    qtbot.waitUntil(lambda: model.thumbnails_loaded == len(model._requested), timeout=10_000)
    assert 0 < model.thumbnails_loaded < BIG // 4, "thumbnails are decoded only when seen"
    seen = model.thumbnails_loaded
    page.images.grid.scrollToBottom()
    qtbot.waitUntil(lambda: model.thumbnails_loaded > seen, timeout=10_000)


def test_corrupt_images_are_listed_under_skipped_with_reasons(qtbot, page, state,
                                                              tmp_path) -> None:
    tmp_path = tmp_path / "pets"  # tmp_path itself holds the test's settings and catalog
    write_images(tmp_path, {"cats": 4, "dogs": 4})
    (tmp_path / "cats" / "broken.png").write_bytes(os.urandom(300))
    (tmp_path / "dogs" / "truncated.png").write_bytes(
        (tmp_path / "dogs" / "0000.png").read_bytes()[:40])
    open_dataset(qtbot, state, tmp_path)
    report = state.dataset.report
    assert (report.found, report.kept, len(report.skipped)) == (10, 8, 2)
    assert page.report.summary.text() == "found 10 · kept 8 · skipped 2"
    assert page.header.samples.text() == "8 kept of 10 found, 2 skipped"
    skipped = page.report.section("Skipped")
    assert skipped.text(0) == "Skipped (2)" and skipped.isExpanded()
    rows = {skipped.child(i).text(0): skipped.child(i).text(1)
            for i in range(skipped.childCount())}
    assert set(rows) == {"cats/broken.png", "dogs/truncated.png"}
    assert all("cannot decode" in reason for reason in rows.values())
    assert page.images.grid.model().rowCount() == 8


def test_duplicates_and_small_classes_are_reported_and_highlighted(qtbot, page, state,
                                                                   tmp_path) -> None:
    tmp_path = tmp_path / "letters"
    write_images(tmp_path, {"a": 3, "b": 3, "c": 1})
    (tmp_path / "a" / "copy.png").write_bytes((tmp_path / "b" / "0000.png").read_bytes())
    open_dataset(qtbot, state, tmp_path)
    duplicates = page.report.section("Duplicates")
    assert duplicates.text(0) == "Duplicates (1 groups, 1 with conflicting labels)"
    group = duplicates.child(0)
    assert group.text(0) == "2 copies" and group.text(1) == "labels conflict: a, b"
    assert {group.child(i).text(0) for i in range(group.childCount())} == {
        "a/copy.png", "b/0000.png"}
    small = page.report.section("Small classes")
    assert small.text(0) == "Small classes (1)" and small.child(0).text(0) == "c"

    chart = page.chart
    assert list(chart.bars.opts["height"]) == [4, 3, 1]
    colours = [brush.color().name().upper() for brush in chart.bars.opts["brushes"]]
    assert colours[2] == SMALL_COLOR and colours[0] != SMALL_COLOR
    assert "fewer than 2" in chart.toolTip()


@pytest.mark.parametrize(("make", "words"), [
    (lambda folder: None, "is empty"),
    (lambda folder: write_images(folder, {"only": 3}), "at least 2 classes"),
])
def test_a_bad_dataset_shows_a_banner_and_keeps_the_previous_one(
        qtbot, page, state, tmp_path, make, words) -> None:
    open_dataset(qtbot, state, SHAPES)
    fingerprint = state.dataset.fingerprint
    bad = tmp_path / "bad"
    bad.mkdir()
    make(bad)
    with qtbot.waitSignal(state.dataset_failed, timeout=LOAD_TIMEOUT_MS):
        page.open_path(bad)
    assert page.status.error.isVisible() and page.status.loading.isHidden()
    assert words in page.status.error_label.text()
    assert "unchanged" in page.status.error_label.text()
    assert page.header.fingerprint.text() == fingerprint == state.dataset.fingerprint
    assert page.images.grid.model().rowCount() == 600
    open_dataset(qtbot, state, SHAPES)
    assert page.status.error.isHidden()


def test_table_options_reopen_a_headerless_tsv_with_the_chosen_columns(
        qtbot, page, state, tmp_path) -> None:
    # column 0 has two short values, so detection takes it for the label; the real label is 2
    rows = [f"{'xy'[i % 2]}\tsentence number {i} about {colour} things\t{colour}"
            for i, colour in enumerate(["red", "green", "blue"] * 10)]
    table = tmp_path / "data.tsv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    open_dataset(qtbot, state, table)
    assert state.dataset.class_names == ("x", "y")
    bar = page.table_options
    assert bar.isVisible()

    bar.text_column.setText("1")
    bar.label_column.setText("2")
    bar.delimiter.setCurrentIndex(bar.delimiter.findText("tab"))
    bar.has_header.setCurrentIndex(bar.has_header.findText("no"))
    with qtbot.waitSignal(state.dataset_changed, timeout=LOAD_TIMEOUT_MS):
        bar.apply_button.click()
    dataset = state.dataset
    assert dataset.class_names == ("blue", "green", "red")
    assert dataset.options.has_header is False and dataset.options.label_column == 2
    assert state.table_options.text_column == 1
    assert page.texts.proxy.rowCount() == 30
    assert page.texts.proxy.index(0, 1).data() == "sentence number 0 about red things"
    assert page.chart.counts == (10, 10, 10)
    assert (bar.text_column.text(), bar.label_column.text()) == ("1", "2")
    assert bar.has_header.currentText() == "no"


def test_a_table_that_fails_keeps_its_options_bar_to_fix_it(qtbot, page, state,
                                                            tmp_path) -> None:
    table = tmp_path / "data.csv"
    table.write_text("words,tag\n" + "".join(f"text {i},{'ab'[i % 2]}\n" for i in range(20)),
                     encoding="utf-8")
    open_dataset(qtbot, state, SHAPES)
    bar = page.table_options
    assert bar.isHidden()
    with qtbot.waitSignal(state.dataset_failed, timeout=LOAD_TIMEOUT_MS):
        page.open_path(table, TableOptions(label_column="nope"))
    assert "nope" in page.status.error_label.text()
    assert bar.isVisible()
    bar.label_column.setText("tag")
    with qtbot.waitSignal(state.dataset_changed, timeout=LOAD_TIMEOUT_MS):
        bar.apply_button.click()
    assert state.dataset.class_names == ("a", "b")
    assert page.status.error.isHidden()


def test_many_long_class_names_get_ticks_that_do_not_overlap(qtbot, page, state,
                                                             tmp_path) -> None:
    folder = tmp_path / "many"
    write_images(folder, {f"a_rather_long_class_name_number_{i:02d}": 2 for i in range(30)})
    open_dataset(qtbot, state, folder)
    chart = page.chart
    assert len(chart.bars.opts["x"]) == 30 and list(chart.bars.opts["height"]) == [2] * 30
    ticks = chart.ticks
    assert ticks and all(text.endswith("…") for _, text in ticks)
    view = chart.getPlotItem().vb
    per_bar = view.width() / 30
    spacing = (ticks[1][0] - ticks[0][0]) * per_bar if len(ticks) > 1 else view.width()
    metrics = page.fontMetrics()
    assert max(metrics.horizontalAdvance(text) for _, text in ticks) < spacing
    assert "a_rather_long_class_name_number_29: 2" in chart.toolTip()


def test_grid_cells_are_sized_for_thumbnails_before_any_arrives(qtbot, page, state) -> None:
    open_dataset(qtbot, state, SHAPES)
    grid = page.images.grid
    page.images.class_filter.setCurrentIndex(2)  # new items: no thumbnail decoded yet
    placeholder = grid.model().data(grid.model().index(0), Qt.ItemDataRole.DecorationRole)
    assert placeholder.width() == THUMB and placeholder.height() == THUMB  # until it decodes
    size = grid.sizeHintForIndex(grid.model().index(0))
    assert size.height() >= THUMB + page.fontMetrics().height()
    assert size.width() >= THUMB
