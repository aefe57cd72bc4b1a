"""The Catalog page's CSV export carries every setting and final metric of the runs it writes."""

from __future__ import annotations

import csv

import pytest
from test_catalog_page import copy_of_trained_catalog, settle

from app.core.catalog import CSV_COLUMNS, thaw
from app.core.catalog._compare import flatten
from app.gui.pages.catalog_page import CatalogPage
from app.gui.state import AppState


@pytest.fixture
def page(qtbot, settings, queue, tmp_path_factory, tmp_path):  # noqa: ANN001, ANN201
    state = AppState(settings, catalog_path=copy_of_trained_catalog(tmp_path_factory, tmp_path))
    widget = CatalogPage(state, queue)
    qtbot.addWidget(widget)
    widget.show()
    settle(qtbot, widget)
    return widget


def test_the_page_exports_every_setting_and_metric(qtbot, page, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "runs.csv"
    with qtbot.waitSignal(page.exported, timeout=30_000):
        page.export_csv(target)
    with target.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or ()), {int(r["id"]): r for r in reader}

    assert header[:len(CSV_COLUMNS)] == list(CSV_COLUMNS)
    catalog = page.state.catalog
    for run_id, row in rows.items():
        record = catalog.get_run_record(run_id)
        config = flatten({k: v for k, v in thaw(record.config).items() if k != "config_version"})
        for key, value in config.items():
            column = f"config.{key}" if key in CSV_COLUMNS else key
            if value is None or value == {}:
                assert row.get(column, "") == ""
            elif isinstance(value, bool | str | int | float):
                assert row[column] == str(value), (run_id, key)
        for entry in (record.test_metrics or {}).get("per_class", ()):
            assert float(row[f"test_f1.{entry['class']}"]) == entry["f1"]
        if record.final_val_loss is not None:
            assert float(row["final_val_loss"]) == record.final_val_loss
    assert rows[4]["status"] == "stopped" and rows[4]["test_f1.sports"] == ""
