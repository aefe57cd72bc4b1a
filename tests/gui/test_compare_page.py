"""The Compare page on a real catalog of tiny real runs.

Runs: A (lr 0.01, seed 0), B (lr 0.003, seed 0: same split as A) and C (lr 0.01, seed 1: another
split). Nothing of ours is mocked; expectations come from the catalog and the analysis package.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TOPICS, train_runs
from PySide6.QtCore import Qt

from app.core.analysis import error_diff
from app.core.catalog import Catalog
from app.gui.colors import run_color
from app.gui.pages.compare_page import ComparePage
from app.gui.state import AppState

WAIT_MS = 60_000


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("compare") / "catalog.sqlite"
    ids = train_runs(path, {
        key: {"name": f"topics {key}", "dataset": str(TOPICS), "model": "bag_of_embeddings",
              "epochs": 2, "batch_size": 32, "lr": lr, "seed": seed}
        for key, lr, seed in (("a", 0.01, 0), ("b", 0.003, 0), ("c", 0.01, 1))})
    return path, ids


@pytest.fixture
def page(qtbot, settings, runs, queue) -> ComparePage:  # noqa: ANN001
    state = AppState(settings, catalog_path=runs[0])
    compare = ComparePage(state, queue)
    qtbot.addWidget(compare)
    compare.resize(1110, 740)
    compare.show()
    qtbot.waitUntil(lambda: not compare.listing, timeout=WAIT_MS)  # read on the pool
    return compare


def show(qtbot, page: ComparePage, run_ids: list[int]) -> None:  # noqa: ANN001
    signals = [page.comparison_shown, page.error_diff_shown]
    with qtbot.waitSignals(signals, timeout=WAIT_MS):
        page.show_runs(run_ids)


def test_picker_lists_runs_newest_first_in_their_colours(page, runs) -> None:
    _, ids = runs
    texts = [page.picker.list.item(row).text() for row in range(page.picker.list.count())]
    assert texts == [f"#{ids[k]} topics {k}" for k in ("c", "b", "a")]
    page.picker.filter_edit.setText("topics b")
    visible = [page.picker.list.item(r).text() for r in range(page.picker.list.count())
               if not page.picker.list.item(r).isHidden()]
    assert visible == [f"#{ids['b']} topics b"]
    icon = page.picker.item_for(ids["a"]).icon().pixmap(8, 8).toImage()
    assert icon.pixelColor(4, 4).name().upper() == run_color(ids["a"]).upper()


def test_checking_two_runs_in_the_picker_compares_them(qtbot, page, runs) -> None:
    _, ids = runs
    assert page.body.currentWidget() is page.empty_label
    page.picker.item_for(ids["b"]).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignals([page.comparison_shown, page.error_diff_shown], timeout=WAIT_MS):
        page.picker.item_for(ids["a"]).setCheckState(Qt.CheckState.Checked)
    assert page.selected_runs() == [ids["b"], ids["a"]]  # check order: B was checked first
    assert [run.id for run in page.comparison.runs] == [ids["b"], ids["a"]]
    assert page.body.currentWidget() is page.tabs


def test_curves_one_per_run_and_metric_in_run_colours(qtbot, page, runs) -> None:
    _, ids = runs
    show(qtbot, page, [ids["a"], ids["b"]])
    keys = ("val_loss", "val_accuracy", "train_loss")
    assert sorted(page.curves.drawn()) == sorted((r, k) for r in (ids["a"], ids["b"]) for k in keys)
    for plot in page.curves.plots:
        items = plot.getPlotItem().listDataItems()
        assert sorted(item.opts["pen"].color().name().upper() for item in items) == \
            sorted(run_color(r).upper() for r in (ids["a"], ids["b"]))
        assert plot.getPlotItem().legend is None  # no legend inside the plot area
    assert page.curves.legend.labels() == [f"#{ids['a']} topics a", f"#{ids['b']} topics b"]
    xs, ys = page.curves.curve_data(ids["a"], "val_loss")
    assert list(xs) == [1.0, 2.0]


def test_metrics_table_marks_the_best_value_per_row(qtbot, page, runs) -> None:
    path, ids = runs
    show(qtbot, page, [ids["a"], ids["b"]])
    catalog = Catalog(path)
    a, b = catalog.get_run_record(ids["a"]), catalog.get_run_record(ids["b"])
    table = page.metrics
    assert table.columnCount() == 2
    assert table.horizontalHeaderItem(0).text() == f"#{a.id} {a.name}"
    assert table.horizontalHeaderItem(1).foreground().color().name().upper() == \
        run_color(b.id).upper()
    best = table.best_columns()
    expected = 0 if a.test_accuracy >= b.test_accuracy else 1
    assert best["test_accuracy"] == expected
    row = table.row_names.index("test_accuracy")
    cell = table.item(row, expected)
    assert cell.font().bold() and cell.text().startswith("★")
    assert cell.background().color().name().upper() == "#D9F0E3"
    other = table.item(row, 1 - expected)
    assert not other.font().bold() and other.background().style() == Qt.BrushStyle.NoBrush
    assert f"{max(a.test_accuracy, b.test_accuracy):.2%}" in cell.text()
    for metric in page.comparison.metric_table:  # every row agrees with the core
        assert best[metric.name] == metric.best_index


def test_parameter_diff_shows_only_what_differs(qtbot, page, runs) -> None:
    _, ids = runs
    show(qtbot, page, [ids["a"], ids["b"]])
    assert page.params.shown_params() == ["lr"]
    table = page.params.table
    assert [table.item(0, c).text() for c in range(2)] == ["0.01", "0.003"]
    show(qtbot, page, [ids["a"], ids["c"]])
    assert "seed" in page.params.shown_params()
    assert "lr" not in page.params.shown_params()
    assert "name" not in page.params.shown_params()


def test_parameter_diff_says_when_nothing_differs(qtbot, page, runs) -> None:
    _, ids = runs
    show(qtbot, page, [ids["a"], ids["b"]])
    same = page.comparison
    # two runs that differ in nothing but their name: the same comparison without the diff
    page.params.show_comparison(type(same)(same.runs, same.metric_table, {}, same.curves))
    assert page.params.shown_params() == []
    assert "No differences" in page.params.same_label.text()


def test_error_diff_counts_match_the_core_and_fill_the_grids(qtbot, page, runs) -> None:
    path, ids = runs
    show(qtbot, page, [ids["a"], ids["b"]])
    expected = error_diff(Catalog(path), ids["a"], ids["b"])
    assert expected.comparable
    view = page.errors
    assert view.showing_diff()
    assert view.counts_label.text() == (
        f"B fixed {len(expected.fixed)} · B broke {len(expected.broke)} · "
        f"both wrong {expected.both_wrong} · both right {expected.both_right}")
    assert view.fixed_grid.model().rowCount() == len(expected.fixed)
    assert view.broke_grid.model().rowCount() == len(expected.broke)
    for grid, samples in ((view.fixed_grid, expected.fixed), (view.broke_grid, expected.broke)):
        for row, sample in enumerate(samples):
            item = grid.sample_model.items[row]
            assert item.text == sample.text
            assert item.caption.startswith(f"{sample.true_label} → A ")
            assert item.caption.endswith(f"/ B {sample.predicted_label}")
    for row, sample in enumerate(expected.broke):  # A was right on what B broke
        assert view.broke_grid.sample_model.items[row].caption == \
            f"{sample.true_label} → A {sample.true_label} / B {sample.predicted_label}"


def test_swap_makes_b_the_reference(qtbot, page, runs) -> None:
    path, ids = runs
    show(qtbot, page, [ids["a"], ids["b"]])
    forward = error_diff(Catalog(path), ids["a"], ids["b"])
    with qtbot.waitSignals([page.comparison_shown, page.error_diff_shown], timeout=WAIT_MS):
        qtbot.mouseClick(page.errors.swap_button, Qt.MouseButton.LeftButton)
    assert page.selected_runs() == [ids["b"], ids["a"]]
    assert page.errors.fixed_grid.model().rowCount() == len(forward.broke)
    assert page.errors.broke_grid.model().rowCount() == len(forward.fixed)
    assert f"#{ids['b']}" in page.errors.runs_label.text().split("vs")[0]


def test_different_splits_show_the_reason(qtbot, page, runs) -> None:
    path, ids = runs
    show(qtbot, page, [ids["a"], ids["c"]])
    expected = error_diff(Catalog(path), ids["a"], ids["c"])
    assert not expected.comparable
    assert not page.errors.showing_diff()
    assert expected.reason in page.errors.message_label.text()
    assert "split" in page.errors.message_label.text()


def test_three_runs_compare_but_ask_for_two_for_the_error_diff(qtbot, page, runs) -> None:
    _, ids = runs
    show(qtbot, page, [ids["a"], ids["b"], ids["c"]])
    assert page.metrics.columnCount() == 3
    assert len(page.curves.drawn()) == 9
    assert not page.errors.showing_diff()
    assert "two runs" in page.errors.message_label.text()
    assert not page.errors.swap_button.isEnabled()


def test_runs_changed_keeps_the_selection_and_recompares(qtbot, page, runs) -> None:
    _, ids = runs
    show(qtbot, page, [ids["a"], ids["b"]])
    with qtbot.waitSignals([page.comparison_shown, page.error_diff_shown], timeout=WAIT_MS):
        page.state.runs_changed.emit()
    assert page.selected_runs() == [ids["a"], ids["b"]]
    assert page.picker.list.count() == 3


def test_one_run_changed_reads_the_list_once_and_recompares_only_if_checked(
        qtbot, page, runs) -> None:
    _, ids = runs
    show(qtbot, page, [ids["a"], ids["b"]])
    compared = []
    page.comparison_shown.connect(compared.append)
    with qtbot.waitSignal(page.runs_listed, timeout=WAIT_MS):
        page.state.run_changed.emit(ids["c"])  # as the training page does: both, in this turn
        page.state.runs_changed.emit()
    assert not page.listing and compared == []  # c is not checked: nothing to recompare
    with qtbot.waitSignal(page.comparison_shown, timeout=WAIT_MS):
        page.state.run_changed.emit(ids["a"])
        page.state.runs_changed.emit()
    assert page.selected_runs() == [ids["a"], ids["b"]]
