"""Run detail, Deploy tab: exporting and compressing from the window, every check shown.

Real exports of the trained catalog's runs (ONNX checked with onnxruntime, int8 measured on
the test samples); the rows the tab shows are the catalog's.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from test_catalog_detail import open_run
from test_catalog_page import copy_of_trained_catalog, settle

from app.gui.pages._catalog_deploy import DeployTab
from app.gui.pages.catalog_page import CatalogPage
from app.gui.state import AppState


@pytest.fixture
def page(qtbot, settings, queue, tmp_path_factory, tmp_path):  # noqa: ANN001, ANN201
    state = AppState(settings, catalog_path=copy_of_trained_catalog(tmp_path_factory, tmp_path))
    widget = CatalogPage(state, queue)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    settle(qtbot, widget)
    return widget


def _wait_idle(qtbot, tab: DeployTab) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not tab.busy, timeout=180_000)


def _cells(tab: DeployTab) -> list[list[str]]:
    table = tab.table
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_a_model_exports_to_onnx_and_compresses_with_its_checks_shown(
        qtbot, page) -> None:  # noqa: ANN001
    open_run(qtbot, page, 2)  # the image run (an MLP on the shapes)
    tab = page.detail.deploy
    page.detail.tabs.setCurrentWidget(tab)
    _wait_idle(qtbot, tab)
    assert tab.buttons["onnx"].isEnabled() and tab.table.rowCount() == 0

    tab.buttons["onnx"].click()
    assert not tab.buttons["onnx"].isEnabled()  # one long job at a time
    _wait_idle(qtbot, tab)

    [exported] = page.state.catalog.list_exports(2)
    [row] = _cells(tab)
    assert row[:3] == ["ONNX", "passed", "same as PyTorch"]
    assert exported.status == "passed" and exported.path.is_file()
    assert row[3] == "100.0 % b1 · 100.0 % b32" and row[4].endswith("(≤ 1e-04)")
    tip = tab.table.item(0, 0).toolTip()
    assert "onnxruntime against PyTorch" in tip and str(exported.path) in tip
    assert tab.buttons["onnx"].isEnabled()

    assert not tab.register_button.isVisible()  # nothing selected
    tab.table.selectRow(0)
    assert tab.register_button.isVisible()
    with qtbot.waitSignal(tab.register_button.registered, timeout=30_000):
        tab.register_button.click()
        qtbot.waitUntil(lambda: tab.register_button.dialog is not None, timeout=30_000)
        dialog = tab.register_button.dialog
        dialog.choice_box.setEditText("shapes")
        dialog.note_edit.setText("the ONNX file")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    [version] = page.state.catalog.model_versions("shapes")
    assert (version.run_id, version.export_id, version.note) == (2, exported.id, "the ONNX file")
    assert "Registered as shapes v1" in tab.status.text()

    tab.method.setCurrentIndex(tab.method.findData("int8_dynamic"))
    tab.compress_button.click()
    _wait_idle(qtbot, tab)

    records = page.state.catalog.list_exports(2)
    assert [r.kind for r in records][-1] == "int8_dynamic"
    rows = _cells(tab)
    assert len(rows) == len(records) >= 2
    int8 = rows[[r.kind for r in records].index("int8_dynamic")]
    details = records[-1].details
    assert int8[0] == "int8 dynamic (from ONNX)" and int8[2].startswith(
        f"{100 * details['compressed']['accuracy']:.1f} % (float ")
    assert int8[3].endswith(" with float") and f"(×{details['ratios']['size']:.2f})" in int8[5]
    assert " ms (×" in int8[6] and " ms (×" in int8[7]
    assert records[-1].details["compressed"]["size_bytes"] < records[-1].details["source"][
        "size_bytes"]

    int8_row = [r.kind for r in records].index("int8_dynamic")
    tab.table.selectRow(int8_row)
    assert tab.bundle_button.isEnabled()
    tab.bundle_button.click()
    _wait_idle(qtbot, tab)
    bundle = page.state.catalog.list_exports(2)[-1]
    assert (bundle.kind, bundle.source_export_id) == ("bundle", records[int8_row].id)
    assert bundle.path.is_file() and _cells(tab)[-1][0] == "Standalone bundle"
    tab.table.selectRow(tab.table.rowCount() - 1)
    assert not tab.bundle_button.isEnabled()  # a bundle is not bundled again


def test_a_refused_method_is_said_in_the_tab_and_nothing_is_recorded(
        qtbot, page) -> None:  # noqa: ANN001
    open_run(qtbot, page, 1)  # the text run, an embedding bag: no convolution to calibrate
    tab = page.detail.deploy
    _wait_idle(qtbot, tab)

    tab.method.setCurrentIndex(tab.method.findData("int8_static"))
    tab.compress_button.click()
    _wait_idle(qtbot, tab)

    assert page.state.catalog.list_exports(1) == [] and tab.table.rowCount() == 0
    assert "int8_static does not apply" in tab.status.text() and "use int8_dynamic" in \
        tab.status.text()
    assert "color" in tab.status.styleSheet() and tab.compress_button.isEnabled()


def test_a_trashed_run_offers_no_export(qtbot, page) -> None:  # noqa: ANN001
    open_run(qtbot, page, 4)  # stopped after one epoch: it has weights
    assert page.detail.deploy.buttons["onnx"].isEnabled()
    page.state.catalog.trash_runs([4])
    with qtbot.waitSignal(page.detail.loaded, timeout=60_000):
        page.detail.show_run(4)  # a trashed run is still shown by id
    tab = page.detail.deploy
    assert not any(b.isEnabled() for b in tab.buttons.values())
    assert not tab.compress_button.isEnabled() and "trash" in tab.status.text()
