"""A run's augmentation settings in the catalog's run detail and in Compare's "parameters
that differ", on a real catalog of two tiny real image runs (augmentation off and medium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHAPES, train_runs
from test_catalog_detail import open_run
from test_catalog_page import settle
from test_compare_page import show

from app.gui.pages.catalog_page import CatalogPage
from app.gui.pages.compare_page import ComparePage
from app.gui.state import AppState


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("augmented") / "catalog.sqlite"
    base = {"dataset": str(SHAPES), "model": "small_cnn", "epochs": 1, "image_size": 16,
            "batch_size": 64, "device": "cpu"}
    ids = train_runs(path, {"plain": {**base, "name": "plain"},
                            "augmented": {**base, "name": "augmented", "augment": "medium",
                                          "aug_rotation": 5.0}})
    return path, ids


def test_the_run_detail_shows_the_augmentation_as_changed(qtbot, settings, queue,
                                                          runs) -> None:  # noqa: ANN001
    path, ids = runs
    page = CatalogPage(AppState(settings, catalog_path=path), queue)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    open_run(qtbot, page, ids["augmented"])
    config = page.detail.config
    rows = {config.table.item(r, 0).text(): (config.table.item(r, 1).text(),
                                             config.table.item(r, 2).text())
            for r in range(config.table.rowCount())}
    assert rows["augment"] == ("medium", "off")
    assert rows["aug_rotation"] == ("5.0", "—")
    assert rows["aug_hflip"] == ("—", "—")  # the preset's value: stored as not set
    assert {"augment", "aug_rotation"} <= set(config.changed)


def test_compare_lists_the_augmentation_among_the_differences(qtbot, settings, queue,
                                                              runs) -> None:  # noqa: ANN001
    path, ids = runs
    page = ComparePage(AppState(settings, catalog_path=path), queue)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.listing, timeout=60_000)
    show(qtbot, page, [ids["plain"], ids["augmented"]])
    shown = page.params.shown_params()
    assert {"augment", "aug_rotation"} <= set(shown)
    assert not {"aug_hflip", "aug_color"} & set(shown)
    row = shown.index("augment")
    assert [page.params.table.item(row, c).text() for c in range(2)] == ["off", "medium"]
