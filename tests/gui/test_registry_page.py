"""The Models registry page on a real catalog of two really trained tiny runs: it lists the
versions, promote and roll back through its own buttons and dialogs change the catalog and the
view, a run detail registers a run, and Try it loads the production version's run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TOPICS, train_runs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.core.catalog import Catalog
from app.gui.pages._catalog_detail import RunDetailView
from app.gui.pages._registry_dialogs import RegistryDialog
from app.gui.pages.registry_page import RegistryPage
from app.gui.pages.try_page import TryPage
from app.gui.state import AppState

WAIT_MS = 60_000


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("registry")
    ids = train_runs(folder / "catalog.sqlite", {
        key: {"name": f"topics {key}", "dataset": str(TOPICS), "model": "bag_of_embeddings",
              "batch_size": 32, "seed": 0, "threads": 1, **values}
        for key, values in (("first", {"epochs": 1, "lr": 0.003}),
                            ("second", {"epochs": 3, "lr": 0.01}))})
    catalog = Catalog(folder / "catalog.sqlite")
    catalog.register_model_version("topics", ids["first"], note="baseline", user="ana")
    catalog.register_model_version("topics", ids["second"], note="more epochs", user="ben")
    catalog.set_alias("topics", "production", 1, note="first release", user="ana")
    return folder, ids


@pytest.fixture
def catalog(trained: tuple[Path, dict[str, int]], tmp_path: Path) -> Catalog:
    """A private copy (file and run folders) per test: tests change the registry."""
    folder = shutil.copytree(trained[0], tmp_path / "copy")
    return Catalog(Path(folder) / "catalog.sqlite")


@pytest.fixture
def state(settings, catalog: Catalog) -> AppState:  # noqa: ANN001
    return AppState(settings, catalog_path=catalog.path)


@pytest.fixture
def page(qtbot, state: AppState, queue) -> RegistryPage:  # noqa: ANN001
    registry = RegistryPage(state, queue)
    qtbot.addWidget(registry)
    registry.resize(1200, 700)
    registry.show()
    qtbot.waitUntil(lambda: registry.name == "topics", timeout=WAIT_MS)
    return registry


def _cells(table, row: int) -> list[str]:  # noqa: ANN001
    return [table.item(row, column).text() for column in range(table.columnCount())]


def _select_version(page: RegistryPage, version: int) -> None:
    rows = [row for row in range(page.table.rowCount())
            if page.table.item(row, 0).text() == f"v{version}"]
    page.table.selectRow(rows[0])


def _answer(qtbot, dialog: RegistryDialog, choice: str, note: str) -> None:  # noqa: ANN001
    if dialog.choice_box.isEditable():
        dialog.choice_box.setEditText(choice)
    else:
        dialog.choice_box.setCurrentText(choice)
    dialog.note_edit.setText(note)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


def test_the_page_lists_names_versions_and_history(page: RegistryPage, trained) -> None:  # noqa: ANN001
    ids = trained[1]
    assert page.names.count() == 1
    assert page.names.item(0).text() == "topics\n2 versions · production v1"
    newest, oldest = _cells(page.table, 0), _cells(page.table, 1)
    assert newest[:3] == ["v2", "", f"#{ids['second']} topics second"]
    assert oldest[:3] == ["v1", "production", f"#{ids['first']} topics first"]
    assert oldest[3].endswith("%") and oldest[4] == "run weights"
    assert (oldest[6], oldest[7]) == ("ana", "baseline")
    assert [_cells(page.history, row)[1:] for row in range(page.history.rowCount())] == [
        ["ana", "promoted production: unset → v1", "first release"],
        ["ben", "registered v2", "more epochs"], ["ana", "registered v1", "baseline"]]


def test_promote_and_roll_back_through_the_widgets(
        qtbot, page: RegistryPage, catalog: Catalog, trained) -> None:  # noqa: ANN001
    _select_version(page, 2)
    assert page.promote_button.isEnabled() and page.archive_button.isEnabled()
    qtbot.mouseClick(page.promote_button, Qt.MouseButton.LeftButton)
    assert page.dialog is not None and page.dialog.isVisible()
    with qtbot.waitSignals([page.changed, page.loaded], order="strict", timeout=WAIT_MS):
        _answer(qtbot, page.dialog, "production", "better on the new data")

    assert catalog.resolve_model("topics", alias="production").version == 2
    assert _cells(page.table, 0)[:2] == ["v2", "production"]
    assert _cells(page.history, 0)[2:] == ["promoted production: v1 → v2",
                                           "better on the new data"]
    assert page.message.text() == "production of topics now points at v2"

    qtbot.mouseClick(page.rollback_button, Qt.MouseButton.LeftButton)
    assert not page.dialog.choice_box.isEditable()  # only aliases that exist
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        _answer(qtbot, page.dialog, "production", "v2 misroutes sport")

    assert catalog.resolve_model("topics", alias="production").version == 1
    assert _cells(page.table, 1)[:2] == ["v1", "production"]
    assert _cells(page.history, 0)[2:] == ["rolled back production: v2 → v1",
                                           "v2 misroutes sport"]
    assert catalog.registry_history("topics")[-1].note == "v2 misroutes sport"

    qtbot.mouseClick(page.rollback_button, Qt.MouseButton.LeftButton)  # nothing before v1
    with qtbot.waitSignal(page.failed, timeout=WAIT_MS) as failure:
        _answer(qtbot, page.dialog, "production", "")
    assert "nothing to roll back to" in failure.args[0]
    assert page.message.text().startswith("nothing to roll back to")


def test_a_bad_alias_cannot_be_confirmed(qtbot, page: RegistryPage, catalog: Catalog) -> None:  # noqa: ANN001
    before = catalog.registry_history("topics")
    _select_version(page, 2)
    qtbot.mouseClick(page.promote_button, Qt.MouseButton.LeftButton)
    page.dialog.choice_box.setEditText("Prod uction")
    assert not page.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "alias 'Prod uction' is not allowed" in page.dialog.problem.text()
    page.dialog.reject()
    assert catalog.registry_history("topics") == before


def test_a_run_detail_registers_its_run(qtbot, state: AppState, queue, catalog: Catalog,  # noqa: ANN001
                                        trained, page: RegistryPage) -> None:
    ids = trained[1]
    detail = RunDetailView(state, queue)
    qtbot.addWidget(detail)
    detail.show()
    with qtbot.waitSignal(detail.loaded, timeout=WAIT_MS):
        detail.show_run(ids["second"])
    button = detail.register_button
    assert button.isVisible()
    with qtbot.waitSignal(state.registry_changed, timeout=WAIT_MS):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: button.dialog is not None, timeout=WAIT_MS)
        assert [button.dialog.choice_box.itemText(i)
                for i in range(button.dialog.choice_box.count())] == ["topics"]
        _answer(qtbot, button.dialog, "topics-strict", "for the audit team")

    version = catalog.resolve_model("topics-strict", version=1)
    assert (version.run_id, version.note) == (ids["second"], "for the audit team")
    qtbot.waitUntil(lambda: page.names.count() == 2, timeout=WAIT_MS)


def test_try_it_picks_the_production_version(qtbot, state: AppState, queue,  # noqa: ANN001
                                             catalog: Catalog, trained) -> None:
    ids = trained[1]
    page = TryPage(state, queue)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.combo.count() == 3, timeout=WAIT_MS)
    assert page.combo.itemText(0).startswith(
        f"topics @ production — v1, run #{ids['first']} bag_of_embeddings")
    if page.predictor is None or page.current_run_id() != ids["first"]:
        with qtbot.waitSignal(page.model_loaded, timeout=WAIT_MS):
            assert page.select_model("topics", "production")
    assert page.current_run_id() == ids["first"]

    catalog.set_alias("topics", "production", 2, note="promoted elsewhere")
    with qtbot.waitSignal(page.model_loaded, timeout=WAIT_MS):
        state.registry_changed.emit()  # the same entry now loads v2's run
    assert page.combo.currentData() == "model:topics@production"
    assert page.current_run_id() == ids["second"]
    with qtbot.waitSignal(page.predicted, timeout=WAIT_MS) as shown:
        page.text_input.edit.setPlainText("The striker scored a goal in the derby")
    assert shown.args[0]


def test_export_bundle_writes_the_selected_version_checked(
        qtbot, page: RegistryPage, catalog: Catalog, trained) -> None:  # noqa: ANN001
    _select_version(page, 1)
    assert page.bundle_button.isEnabled()

    with qtbot.waitSignal(page.changed, timeout=120_000) as written:
        qtbot.mouseClick(page.bundle_button, Qt.MouseButton.LeftButton)
        assert not page.bundle_button.isEnabled()  # one bundle at a time

    assert written.args == ["topics v1 bundled"]
    bundle = catalog.list_exports(trained[1]["first"])[-1]
    onnx = catalog.get_export(bundle.source_export_id)
    assert (bundle.kind, onnx.kind, bundle.status) == ("bundle", "onnx", "passed")
    assert bundle.path.is_file() and str(bundle.path) in page.message.text()
    assert page.bundle_button.isEnabled()
