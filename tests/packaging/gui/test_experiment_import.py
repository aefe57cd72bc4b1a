"""A double-clicked experiment file opens in the window: confirm, then every run is queued."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.gui.experiment_import import offer_experiments

SHAPES = Path(__file__).resolve().parents[3] / "resources" / "samples" / "shapes"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "runs.modeldesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _experiments(tmp_path: Path) -> Path:
    return _write(tmp_path, f"""
[defaults]
dataset = "{SHAPES.as_posix()}"
epochs = 1

[[experiment]]
name = "wide"
model = "mlp"

[experiment.grid]
lr = [0.01, 0.001]

[[experiment]]
name = "conv"
model = "lenet5"
""")


def _button(box: QMessageBox, text: str):  # noqa: ANN202
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


def _queued(window) -> list:  # noqa: ANN001
    return ([window.queue.current] if window.queue.current else []) + window.queue.pending


def test_queue_all_enqueues_every_run_into_the_window_catalog(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    box = offer_experiments(window, _experiments(tmp_path))
    assert box.isVisible() and box.icon() == QMessageBox.Icon.Question
    assert "3 run(s)" in box.text() and "wide [lr=0.01]" in box.text() and "conv" in box.text()
    assert _queued(window) == []
    _button(box, "Queue all").click()
    runs = _queued(window)
    assert [run.job.config.name for run in runs] == ["wide [lr=0.01]", "wide [lr=0.001]", "conv"]
    assert {run.catalog_path for run in runs} == {window.state.catalog.path}
    assert [run.job.config.training.epochs for run in runs] == [1, 1, 1]
    grid = [run.job.trial for run in runs[:2]]  # the grid's combinations are one study's trials
    assert [trial.number for trial in grid] == [0, 1] and grid[0].study is grid[1].study
    assert grid[0].study.planned_trials == 2 and runs[2].job.trial is None
    assert window.stack.currentWidget() is window.pages["Training"]
    assert not box.isVisible()
    _stop_training(qtbot, window)


def _stop_training(qtbot, window) -> None:  # noqa: ANN001
    """Closing a window that trains asks the person first; stop before the test ends."""
    assert window.queue.stop_all(wait_ms=60_000)
    qtbot.waitUntil(lambda: not window.queue.busy, timeout=60_000)


def test_cancel_queues_nothing(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    box = offer_experiments(window, _experiments(tmp_path))
    _button(box, "Cancel").click()
    assert _queued(window) == [] and not window.queue.busy


def test_an_invalid_file_shows_the_reason_and_queues_nothing(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    path = _write(tmp_path, "[[experiment]]\nmodel = \"mlp\"\ndataset = \n")
    box = offer_experiments(window, path)
    assert box.icon() == QMessageBox.Icon.Warning
    assert str(path) in box.text() and "TOML syntax error" in box.text()
    assert [b.text().replace("&", "") for b in box.buttons()] == ["OK"]
    box.accept()
    assert _queued(window) == []


def test_an_unknown_model_is_named_in_the_message(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    path = _write(tmp_path, f'[[experiment]]\nmodel = "gpt9"\ndataset = "{SHAPES.as_posix()}"\n')
    box = offer_experiments(window, path)
    assert box.icon() == QMessageBox.Icon.Warning and "gpt9" in box.text()
    box.accept()
    assert _queued(window) == []


def test_a_macos_file_open_event_offers_the_file(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    from PySide6.QtGui import QFileOpenEvent

    from app.gui.experiment_import import FileOpenHandler

    handler = FileOpenHandler(window)
    path = _experiments(tmp_path)
    assert handler.eventFilter(window, QFileOpenEvent(str(path)))
    box = window.findChild(QMessageBox, "experimentImport")
    assert box is not None and "3 run(s)" in box.text()
    _button(box, "Cancel").click()
    assert _queued(window) == []
