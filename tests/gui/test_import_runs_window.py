"""File → Import runs: a worker's catalog imported from the window arrives in the Catalog
page without a restart; the report box says what came, and a bad file says why."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.core.catalog import Catalog
from app.core.statuses import COMPLETED
from app.gui.catalog_import import import_in_background


def _worker(path: Path, names: list[str]) -> Path:
    catalog = Catalog(path)
    dataset = catalog.register_dataset("/data/x", "text", "fp", ["a", "b"], {"a": 2, "b": 2}, 4)
    for name in names:
        run = catalog.create_run(name=name, model="mlp", dataset_id=dataset, config={}, seed=0,
                                 total_epochs=1, environment={})
        catalog.finish_run(run, status=COMPLETED, test_metrics={"accuracy": 0.75})
    return path


def _report(qtbot) -> QMessageBox:  # noqa: ANN001
    boxes: list[QMessageBox] = []

    def shown() -> bool:
        from PySide6.QtWidgets import QApplication

        boxes[:] = [w for w in QApplication.topLevelWidgets()
                    if w.objectName() == "importRunsReport" and w.isVisible()]
        return bool(boxes)

    qtbot.waitUntil(shown, timeout=10_000)
    return boxes[0]


def test_imported_runs_appear_in_the_catalog_page(qtbot, window, tmp_path: Path) -> None:  # noqa: ANN001
    page = window.show_page("Catalog")
    before = page.model.rowCount()
    source = _worker(tmp_path / "worker.sqlite", ["trial-a", "trial-b"])
    import_in_background(window, window.state, [source, tmp_path / "missing.sqlite"])
    box = _report(qtbot)
    assert "imported 2 run(s)" in box.text()
    assert "Not imported" in box.text() and "missing.sqlite" in box.text()
    box.close()
    qtbot.waitUntil(lambda: page.model.rowCount() == before + 2, timeout=10_000)
    names = {run.name for run in window.state.catalog.list_runs(limit=None)}
    assert {"trial-a", "trial-b"} <= names
